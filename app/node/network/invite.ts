/**
 * Invites: a short text that names a network (its id and name), the inviting peer, where to reach it, and
 * the inviting peer's token (./invite-token.ts), which that peer alone can check and turns into a
 * membership grant for whoever joins with it. Dialing the addresses authenticates the peer id (the STOQ
 * handshake checks the remote key), so an invite cannot send us to an impostor of the peer it names.
 *
 * Text form: "hm1" + base58btc(payload). Payload:
 *   version u8 (=2) | network id 32 bytes | name length u8 | name UTF-8 | peer id length u8 | peer id bytes |
 *   token id 16 bytes | ends at u48 (ms) | token MAC 16 bytes |
 *   address count u8 | (address length u8 | multiaddr bytes, without /p2p)* | checksum: SHA-256(previous)[0..4]
 *
 * Version 1 had no token: its holder was admitted by merely naming the network. It is refused.
 */
import { createHash } from 'node:crypto'
import { base58btc } from 'multiformats/bases/base58'
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr'
import { peerIdFromMultihash, peerIdFromString } from '@libp2p/peer-id'
import * as Digest from 'multiformats/hashes/digest'
import { MAX_INVITE_LENGTH } from '../../../shared/schemas'
import { TOKEN_ID_BYTES, TOKEN_MAC_BYTES, type InviteToken } from './invite-token'

export const INVITE_PREFIX = 'hm1'
export const INVITE_VERSION = 2
export const MAX_INVITE_ADDRESSES = 8
export const MAX_INVITE_NAME_BYTES = 64
const MAX_ADDRESS_BYTES = 255
const MAX_PEER_ID_BYTES = 64
const CHECKSUM_BYTES = 4
const ENDS_AT_BYTES = 6
const P2P_CODE = 421

export interface Invite {
  networkId: string
  networkName: string
  /** Bootstrap addresses, each ending in /p2p/<peer id>. */
  addresses: Multiaddr[]
  /** The inviting peer's token: it admits the joiner, until it expires. */
  token: InviteToken
}

export type InviteErrorReason =
  | 'empty'
  | 'too-long'
  | 'prefix'
  | 'encoding'
  | 'truncated'
  | 'checksum'
  | 'version'
  | 'no-addresses'
  | 'too-many-addresses'
  | 'bad-address'
  | 'bad-name'
  | 'bad-peer-id'
  | 'trailing-bytes'
  | 'expired'

export class InviteError extends Error {
  constructor(
    readonly reason: InviteErrorReason,
    message: string,
  ) {
    super(message)
    this.name = 'InviteError'
  }
}

const checksum = (bytes: Uint8Array): Uint8Array =>
  createHash('sha256').update(bytes).digest().subarray(0, CHECKSUM_BYTES)

export function encodeInvite(invite: Invite): string {
  const name = new TextEncoder().encode(invite.networkName)
  if (name.length === 0 || name.length > MAX_INVITE_NAME_BYTES)
    throw new InviteError('bad-name', 'network name must be 1–64 bytes')
  if (!/^[0-9a-f]{64}$/.test(invite.networkId))
    throw new InviteError('encoding', 'network id must be 64 hex characters')
  if (invite.addresses.length === 0)
    throw new InviteError('no-addresses', 'an invite needs at least one address')
  if (invite.addresses.length > MAX_INVITE_ADDRESSES) {
    throw new InviteError('too-many-addresses', `an invite holds at most ${MAX_INVITE_ADDRESSES} addresses`)
  }
  const peerIds = new Set(invite.addresses.map(requirePeerId))
  if (peerIds.size !== 1)
    throw new InviteError('bad-peer-id', 'all addresses of an invite must name the same peer')
  const peerIdBytes = peerIdFromString([...peerIds][0] as string).toMultihash().bytes
  const parts: Uint8Array[] = [
    Uint8Array.of(INVITE_VERSION),
    Buffer.from(invite.networkId, 'hex'),
    Uint8Array.of(name.length),
    name,
    Uint8Array.of(peerIdBytes.length),
    peerIdBytes,
    ...encodeToken(invite.token),
    Uint8Array.of(invite.addresses.length),
  ]
  for (const address of invite.addresses) {
    const bytes = address.decapsulateCode(P2P_CODE).bytes
    if (
      multiaddr(bytes.slice())
        .getComponents()
        .some((c) => c.code === P2P_CODE || c.name === 'p2p-circuit')
    ) {
      throw new InviteError(
        'bad-address',
        `relayed addresses cannot go in an invite yet: ${address.toString()}`,
      )
    }
    if (bytes.length === 0 || bytes.length > MAX_ADDRESS_BYTES)
      throw new InviteError('bad-address', `address too long: ${address.toString()}`)
    parts.push(Uint8Array.of(bytes.length), bytes)
  }
  const body = Buffer.concat(parts)
  const text = INVITE_PREFIX + base58btc.baseEncode(Buffer.concat([body, checksum(body)]))
  if (text.length > MAX_INVITE_LENGTH)
    throw new InviteError('too-long', 'invite would be too long; use fewer addresses')
  return text
}

function encodeToken(token: InviteToken): Uint8Array[] {
  if (!/^[0-9a-f]{32}$/.test(token.tokenId) || !/^[0-9a-f]{32}$/.test(token.mac))
    throw new InviteError('encoding', 'an invite token is 16 bytes of id and 16 of MAC, in hex')
  if (!Number.isSafeInteger(token.endsAt) || token.endsAt < 0 || token.endsAt >= 2 ** 48)
    throw new InviteError('encoding', 'an invite ends at a whole number of milliseconds below 2^48')
  const endsAt = Buffer.alloc(ENDS_AT_BYTES)
  endsAt.writeUIntBE(token.endsAt, 0, ENDS_AT_BYTES)
  return [Buffer.from(token.tokenId, 'hex'), endsAt, Buffer.from(token.mac, 'hex')]
}

/**
 * Decodes and checks an invite, and refuses one that expired before `now`. Every failure is an
 * {@link InviteError} whose message a person can act on.
 */
export function decodeInvite(text: string, now = Date.now()): Invite {
  const trimmed = text.trim()
  if (trimmed === '') throw new InviteError('empty', 'the invite is empty; paste the whole invite text')
  if (trimmed.length > MAX_INVITE_LENGTH)
    throw new InviteError('too-long', `an invite is at most ${MAX_INVITE_LENGTH} characters`)
  if (!trimmed.startsWith(INVITE_PREFIX)) {
    throw new InviteError('prefix', `this is not a HyperMesh invite (invites start with "${INVITE_PREFIX}")`)
  }
  let bytes: Uint8Array
  try {
    bytes = base58btc.baseDecode(trimmed.slice(INVITE_PREFIX.length))
  } catch {
    throw new InviteError(
      'encoding',
      'the invite contains characters that cannot appear in an invite; copy it again',
    )
  }
  if (bytes.length < 1 + 32 + 1 + 1 + CHECKSUM_BYTES) {
    throw new InviteError('truncated', 'the invite is incomplete (truncated); copy the whole text')
  }
  const body = bytes.subarray(0, bytes.length - CHECKSUM_BYTES)
  if (!Buffer.from(checksum(body)).equals(bytes.subarray(bytes.length - CHECKSUM_BYTES))) {
    throw new InviteError(
      'checksum',
      'the invite is damaged or incomplete (checksum mismatch); copy the whole text again',
    )
  }
  const invite = parseBody(new Reader(body))
  if (invite.token.endsAt <= now)
    throw new InviteError(
      'expired',
      `this invite expired on ${new Date(invite.token.endsAt).toISOString()}; ask for a fresh invite`,
    )
  return invite
}

function parseBody(r: Reader): Invite {
  const version = r.u8()
  if (version === 1)
    throw new InviteError(
      'version',
      'this invite is of version 1, made by an older HyperMesh; it carries no proof of membership and this HyperMesh (version 2) no longer accepts it; ask for a fresh invite',
    )
  if (version !== INVITE_VERSION) {
    throw new InviteError(
      'version',
      `invite version ${version} is not supported by this HyperMesh (knows ${INVITE_VERSION})`,
    )
  }
  const networkId = Buffer.from(r.bytes(32)).toString('hex')
  const nameLength = r.u8()
  if (nameLength === 0 || nameLength > MAX_INVITE_NAME_BYTES)
    throw new InviteError('bad-name', 'the invite carries an invalid network name')
  let networkName: string
  const nameBytes = r.bytes(nameLength)
  try {
    networkName = new TextDecoder('utf-8', { fatal: true }).decode(nameBytes)
  } catch {
    throw new InviteError('bad-name', 'the invite carries a network name that is not valid UTF-8')
  }
  const peerIdLength = r.u8()
  if (peerIdLength === 0 || peerIdLength > MAX_PEER_ID_BYTES)
    throw new InviteError('bad-peer-id', 'the invite carries an invalid peer id')
  const peerIdBytes = r.bytes(peerIdLength)
  let peerId: string
  try {
    peerId = peerIdFromMultihash(Digest.decode(peerIdBytes)).toString()
  } catch {
    throw new InviteError('bad-peer-id', 'the invite carries an invalid peer id')
  }
  const token: InviteToken = {
    tokenId: Buffer.from(r.bytes(TOKEN_ID_BYTES)).toString('hex'),
    endsAt: Buffer.from(r.bytes(ENDS_AT_BYTES)).readUIntBE(0, ENDS_AT_BYTES),
    mac: Buffer.from(r.bytes(TOKEN_MAC_BYTES)).toString('hex'),
  }
  const count = r.u8()
  if (count === 0) throw new InviteError('no-addresses', 'the invite has no address to reach the network')
  if (count > MAX_INVITE_ADDRESSES)
    throw new InviteError(
      'too-many-addresses',
      `the invite lists ${count} addresses; at most ${MAX_INVITE_ADDRESSES}`,
    )
  const addresses: Multiaddr[] = []
  for (let i = 0; i < count; i++) {
    const length = r.u8()
    if (length === 0) throw new InviteError('bad-address', `address ${i + 1} has an invalid length`)
    const bytes = r.bytes(length)
    let address: Multiaddr
    try {
      // A copy: the multiaddr parser can read past the end of a view into a larger buffer.
      address = multiaddr(bytes.slice())
      address.toString()
    } catch {
      throw new InviteError('bad-address', `address ${i + 1} in the invite is not a valid multiaddr`)
    }
    if (!Buffer.from(address.bytes).equals(bytes)) {
      throw new InviteError('bad-address', `address ${i + 1} in the invite is cut short or malformed`)
    }
    if (address.getComponents().some((c) => c.code === P2P_CODE)) {
      throw new InviteError('bad-address', `address ${i + 1} in the invite names a peer of its own`)
    }
    addresses.push(address.encapsulate(`/p2p/${peerId}`))
  }
  if (!r.done()) throw new InviteError('trailing-bytes', 'the invite has unexpected extra data')
  return { networkId, networkName, addresses, token }
}

function requirePeerId(address: Multiaddr): string {
  const last = address.getComponents().at(-1)
  if (last?.name !== 'p2p' || last.value == null) {
    throw new InviteError('bad-address', `address ${address.toString()} does not end in /p2p/<peer id>`)
  }
  return last.value
}

class Reader {
  private offset = 0
  constructor(private readonly buf: Uint8Array) {}
  u8(): number {
    return this.bytes(1)[0] as number
  }
  bytes(n: number): Uint8Array {
    if (this.offset + n > this.buf.length)
      throw new InviteError('truncated', 'the invite is incomplete (truncated); copy the whole text')
    const out = this.buf.subarray(this.offset, this.offset + n)
    this.offset += n
    return out
  }
  done(): boolean {
    return this.offset === this.buf.length
  }
}

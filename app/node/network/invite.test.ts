import fc from 'fast-check'
import { describe, it, expect, beforeAll } from 'vitest'
import { createHash } from 'node:crypto'
import { base58btc } from 'multiformats/bases/base58'
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import type { PeerId } from '@libp2p/interface'
import { MAX_INVITE_LENGTH } from '../../../shared/schemas'
import {
  decodeInvite,
  encodeInvite,
  INVITE_PREFIX,
  INVITE_VERSION,
  InviteError,
  MAX_INVITE_ADDRESSES,
  MAX_INVITE_NAME_BYTES,
  type Invite,
  type InviteErrorReason,
} from './invite'
import { INVITE_LIFETIME_MS, type InviteToken } from './invite-token'

const NETWORK_ID = 'ab'.repeat(32)
const BASE58_ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz'

let peerA: PeerId
let peerB: PeerId

beforeAll(async () => {
  peerA = peerIdFromPrivateKey(await generateKeyPair('Ed25519'))
  peerB = peerIdFromPrivateKey(await generateKeyPair('Ed25519'))
})

const addr = (base: string, peer: PeerId = peerA): Multiaddr => multiaddr(`${base}/p2p/${peer.toString()}`)

const TOKEN: InviteToken = {
  tokenId: '0f'.repeat(16),
  endsAt: Date.now() + INVITE_LIFETIME_MS,
  mac: 'a5'.repeat(16),
}
const tokenBytes = (token: InviteToken = TOKEN): Uint8Array => {
  const endsAt = Buffer.alloc(6)
  endsAt.writeUIntBE(token.endsAt, 0, 6)
  return Buffer.concat([Buffer.from(token.tokenId, 'hex'), endsAt, Buffer.from(token.mac, 'hex')])
}

const invite = (overrides: Partial<Invite> = {}): Invite => ({
  networkId: NETWORK_ID,
  networkName: 'Test net',
  addresses: [addr('/ip4/192.0.2.1/tcp/4001')],
  token: TOKEN,
  ...overrides,
})

/** Calls fn and returns the InviteError it throws; fails the test when it returns or throws anything else. */
function inviteError(fn: () => unknown): InviteError {
  let result: unknown
  try {
    result = fn()
  } catch (err) {
    expect(err).toBeInstanceOf(InviteError)
    expect((err as InviteError).message.length).toBeGreaterThan(10)
    return err as InviteError
  }
  throw new Error(`expected an InviteError, got a result: ${JSON.stringify(result)}`)
}

const expectReason = (fn: () => unknown, reason: InviteErrorReason): InviteError => {
  const err = inviteError(fn)
  expect(err.reason).toBe(reason)
  return err
}

const roundTrip = (inv: Invite): Invite => decodeInvite(encodeInvite(inv))

const strings = (addresses: Multiaddr[]): string[] => addresses.map((a) => a.toString())

// ---- hand-built payloads -------------------------------------------------------------------------

const checksum = (body: Uint8Array): Uint8Array => createHash('sha256').update(body).digest().subarray(0, 4)
const seal = (body: Uint8Array): string =>
  INVITE_PREFIX + base58btc.baseEncode(Buffer.concat([body, checksum(body)]))
const withLength = (bytes: Uint8Array): Uint8Array => Buffer.concat([Uint8Array.of(bytes.length), bytes])

interface Parts {
  version: number
  networkId: Uint8Array
  name: Uint8Array
  peerId: Uint8Array
  token: Uint8Array
  /** Raw address bytes, each prefixed by its length. */
  addresses: Uint8Array[]
  /** The count byte; defaults to addresses.length. */
  count?: number
  trailing: Uint8Array
}

const buildBody = (over: Partial<Parts> = {}): Uint8Array => {
  const p: Parts = {
    version: INVITE_VERSION,
    networkId: Buffer.from(NETWORK_ID, 'hex'),
    name: new TextEncoder().encode('Hand built'),
    peerId: peerA.toMultihash().bytes,
    token: tokenBytes(),
    addresses: [multiaddr('/ip4/192.0.2.7/tcp/4001').bytes],
    trailing: new Uint8Array(0),
    ...over,
  }
  return Buffer.concat([
    Uint8Array.of(p.version),
    p.networkId,
    withLength(p.name),
    withLength(p.peerId),
    p.token,
    Uint8Array.of(p.count ?? p.addresses.length),
    ...p.addresses.map(withLength),
    p.trailing,
  ])
}

describe('invite round trip', () => {
  it('decodes what it encodes for one ip4/tcp address', () => {
    const original = invite()
    const text = encodeInvite(original)
    expect(text.startsWith(INVITE_PREFIX)).toBe(true)
    expect(text.length).toBeLessThanOrEqual(MAX_INVITE_LENGTH)
    const decoded = decodeInvite(text)
    expect(decoded.networkId).toBe(NETWORK_ID)
    expect(decoded.networkName).toBe('Test net')
    expect(strings(decoded.addresses)).toEqual([`/ip4/192.0.2.1/tcp/4001/p2p/${peerA.toString()}`])
    expect(decoded.token).toEqual(TOKEN)
  })

  it('decodes what it encodes for several ip4/ip6/tcp/ws addresses, in order', () => {
    const addresses = [
      addr('/ip4/10.0.0.5/tcp/4001'),
      addr('/ip4/10.0.0.5/tcp/4002/ws'),
      addr('/ip6/2001:db8::1/tcp/4001'),
      addr('/ip6/::1/tcp/4002/ws'),
    ]
    const decoded = roundTrip(invite({ addresses }))
    expect(strings(decoded.addresses)).toEqual(strings(addresses))
  })

  it('keeps a unicode network name intact', () => {
    const networkName = 'Réseau 🚀 网络 ñ'
    expect(roundTrip(invite({ networkName })).networkName).toBe(networkName)
  })

  it('accepts a name of exactly 64 UTF-8 bytes and refuses 65', () => {
    const name64 = 'é'.repeat(32) // 2 bytes each
    expect(new TextEncoder().encode(name64).length).toBe(MAX_INVITE_NAME_BYTES)
    expect(roundTrip(invite({ networkName: name64 })).networkName).toBe(name64)
    const name65 = name64 + 'x'
    expectReason(() => encodeInvite(invite({ networkName: name65 })), 'bad-name')
  })

  it('carries the maximum of 8 addresses', () => {
    const addresses = Array.from({ length: MAX_INVITE_ADDRESSES }, (_, i) =>
      addr(`/ip4/10.0.0.${i + 1}/tcp/${4000 + i}`),
    )
    const decoded = roundTrip(invite({ addresses }))
    expect(strings(decoded.addresses)).toEqual(strings(addresses))
  })

  it('tolerates surrounding whitespace from copy and paste', () => {
    const text = encodeInvite(invite())
    expect(strings(decodeInvite(`  \n${text}\t \n`).addresses)).toEqual(strings(invite().addresses))
  })

  it('either refuses a relayed address on encode or round-trips it (never emits an undecodable invite)', () => {
    const relayed = multiaddr(
      `/ip4/192.0.2.9/tcp/4001/p2p/${peerB.toString()}/p2p-circuit/p2p/${peerA.toString()}`,
    )
    let text: string
    try {
      text = encodeInvite(invite({ addresses: [relayed] }))
    } catch (err) {
      expect(err).toBeInstanceOf(InviteError)
      expect((err as InviteError).reason).toBe('bad-address')
      return
    }
    expect(strings(decodeInvite(text).addresses)).toEqual([relayed.toString()])
  })
})

describe('decodeInvite refuses bad text', () => {
  it('refuses empty and whitespace-only text as empty', () => {
    expectReason(() => decodeInvite(''), 'empty')
    expectReason(() => decodeInvite('   \n\t '), 'empty')
  })

  it('refuses text longer than MAX_INVITE_LENGTH before decoding', () => {
    expectReason(() => decodeInvite(INVITE_PREFIX + '2'.repeat(MAX_INVITE_LENGTH)), 'too-long')
    // Exactly at the limit it is not refused for length (it is refused for its content instead).
    const atLimit = INVITE_PREFIX + '2'.repeat(MAX_INVITE_LENGTH - INVITE_PREFIX.length)
    expect(inviteError(() => decodeInvite(atLimit)).reason).not.toBe('too-long')
  })

  it('refuses text with the wrong prefix', () => {
    const body = encodeInvite(invite()).slice(INVITE_PREFIX.length)
    expectReason(() => decodeInvite('hm2' + body), 'prefix')
    expectReason(() => decodeInvite('HM1' + body), 'prefix')
    expectReason(() => decodeInvite(body), 'prefix')
  })

  it('refuses characters outside base58btc', () => {
    const text = encodeInvite(invite())
    for (const bad of ['0', 'O', 'I', 'l', '+', '/', '=', ' ', 'é']) {
      const mid = Math.floor(text.length / 2)
      expectReason(() => decodeInvite(text.slice(0, mid) + bad + text.slice(mid)), 'encoding')
    }
  })

  it('refuses the invite cut short at every length', () => {
    const text = encodeInvite(
      invite({ addresses: [addr('/ip4/10.0.0.5/tcp/4001'), addr('/ip6/::1/tcp/4002/ws')] }),
    )
    for (let length = 1; length < text.length; length++) {
      const err = inviteError(() => decodeInvite(text.slice(0, length)))
      if (length < INVITE_PREFIX.length) expect(err.reason, `length ${length}`).toBe('prefix')
      else expect(['truncated', 'checksum'], `length ${length}: ${err.reason}`).toContain(err.reason)
    }
  })

  it('refuses any single changed character and never returns a different invite', () => {
    const text = encodeInvite(
      invite({ addresses: [addr('/ip4/10.0.0.5/tcp/4001'), addr('/ip4/10.0.0.5/tcp/4002/ws')] }),
    )
    for (let i = 0; i < text.length; i++) {
      const original = text[i] as string
      const alphabetIndex = Math.max(0, BASE58_ALPHABET.indexOf(original))
      for (const step of [1, 7, 29]) {
        const replacement = BASE58_ALPHABET[(alphabetIndex + step) % BASE58_ALPHABET.length] as string
        const altered = text.slice(0, i) + replacement + text.slice(i + 1)
        expect(altered).not.toBe(text)
        inviteError(() => decodeInvite(altered))
      }
    }
  })

  it('refuses an unknown version byte even with a valid checksum', () => {
    const err = expectReason(() => decodeInvite(seal(buildBody({ version: 3 }))), 'version')
    expect(err.message).toContain('3')
    expectReason(() => decodeInvite(seal(buildBody({ version: 0 }))), 'version')
  })

  it('refuses a version 1 invite, which carried no proof of membership, saying to ask for a fresh one', () => {
    const err = expectReason(
      () => decodeInvite(seal(buildBody({ version: 1, token: new Uint8Array(0) }))),
      'version',
    )
    expect(err.message).toMatch(/version 1.*ask for a fresh invite/)
  })

  it('refuses an expired invite with the time it expired', () => {
    const endsAt = Date.UTC(2026, 0, 2)
    const text = encodeInvite(invite({ token: { ...TOKEN, endsAt } }))
    const err = expectReason(() => decodeInvite(text, endsAt), 'expired')
    expect(err.message).toContain('2026-01-02T00:00:00.000Z')
    expect(decodeInvite(text, endsAt - 1).token.endsAt).toBe(endsAt)
  })

  it('refuses a token cut short', () => {
    expectReason(
      () => decodeInvite(seal(buildBody({ token: tokenBytes().subarray(0, 20), addresses: [] }))),
      'truncated',
    )
  })

  it('never throws anything but an InviteError, nor returns another invite, for generated input', () => {
    const text = encodeInvite(invite())
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (junk) => {
        try {
          decodeInvite(junk)
        } catch (err) {
          return err instanceof InviteError
        }
        return false
      }),
      { numRuns: 300 },
    )
    fc.assert(
      fc.property(fc.nat(), fc.constantFrom(...BASE58_ALPHABET), (at, char) => {
        const i = INVITE_PREFIX.length + (at % (text.length - INVITE_PREFIX.length))
        const altered = text.slice(0, i) + char + text.slice(i + 1)
        if (altered === text) return true
        try {
          decodeInvite(altered)
        } catch (err) {
          return err instanceof InviteError
        }
        return false
      }),
      { numRuns: 300 },
    )
  })

  it('accepts the hand-built reference payload (the builder itself is right)', () => {
    const decoded = decodeInvite(seal(buildBody()))
    expect(decoded.networkName).toBe('Hand built')
    expect(strings(decoded.addresses)).toEqual([`/ip4/192.0.2.7/tcp/4001/p2p/${peerA.toString()}`])
  })

  it('refuses a payload with zero addresses', () => {
    expectReason(() => decodeInvite(seal(buildBody({ addresses: [] }))), 'no-addresses')
  })

  it('refuses a payload with 9 addresses', () => {
    const addresses = Array.from({ length: 9 }, (_, i) => multiaddr(`/ip4/10.0.0.${i + 1}/tcp/4001`).bytes)
    expectReason(() => decodeInvite(seal(buildBody({ addresses }))), 'too-many-addresses')
  })

  it('refuses an address count larger than the addresses present', () => {
    expectReason(() => decodeInvite(seal(buildBody({ count: 2 }))), 'truncated')
  })

  it('refuses address bytes that are not a valid multiaddr', () => {
    for (const bytes of [[0xff, 0xff], [0x7f], [0x04, 1, 2]]) {
      expectReason(
        () => decodeInvite(seal(buildBody({ addresses: [Uint8Array.from(bytes)] }))),
        'bad-address',
      )
    }
  })

  it('refuses an address whose tcp port is cut short instead of reading the bytes that follow it', () => {
    // /ip4/1.2.3.4/tcp with no port bytes, then /ip4/1.2.3.4/tcp with one port byte: neither is a whole multiaddr.
    for (const bytes of [
      [0x04, 1, 2, 3, 4, 0x06],
      [0x04, 1, 2, 3, 4, 0x06, 0x0f],
    ]) {
      expectReason(
        () => decodeInvite(seal(buildBody({ addresses: [Uint8Array.from(bytes)] }))),
        'bad-address',
      )
    }
  })

  it('refuses a zero-length address', () => {
    expectReason(() => decodeInvite(seal(buildBody({ addresses: [new Uint8Array(0)] }))), 'bad-address')
  })

  it('refuses an address that names a peer of its own', () => {
    const withPeer = multiaddr(`/ip4/192.0.2.7/tcp/4001/p2p/${peerB.toString()}`).bytes
    expectReason(() => decodeInvite(seal(buildBody({ addresses: [withPeer] }))), 'bad-address')
  })

  it('refuses a name that is not valid UTF-8', () => {
    const err = expectReason(
      () => decodeInvite(seal(buildBody({ name: Uint8Array.of(0x41, 0xff, 0xfe) }))),
      'bad-name',
    )
    expect(err.message).toMatch(/UTF-8/)
  })

  it('refuses a zero-length name and one over 64 bytes', () => {
    expectReason(() => decodeInvite(seal(buildBody({ name: new Uint8Array(0) }))), 'bad-name')
    expectReason(() => decodeInvite(seal(buildBody({ name: new Uint8Array(65).fill(0x61) }))), 'bad-name')
  })

  it('refuses invalid peer id bytes', () => {
    for (const bytes of [
      [0xff, 0xff, 0xff], // not a multihash
      [0x00, 0x03, 1, 2, 3], // identity multihash of a garbage key
      [0x12, 0x20, 1, 2, 3], // sha2-256 multihash with a short digest
    ]) {
      expectReason(() => decodeInvite(seal(buildBody({ peerId: Uint8Array.from(bytes) }))), 'bad-peer-id')
    }
    expectReason(() => decodeInvite(seal(buildBody({ peerId: new Uint8Array(0) }))), 'bad-peer-id')
    expectReason(() => decodeInvite(seal(buildBody({ peerId: new Uint8Array(65) }))), 'bad-peer-id')
  })

  it('refuses trailing bytes after the last address', () => {
    expectReason(() => decodeInvite(seal(buildBody({ trailing: Uint8Array.of(0) }))), 'trailing-bytes')
  })

  it('refuses a payload too short to hold the header', () => {
    expectReason(() => decodeInvite(seal(Uint8Array.of(INVITE_VERSION))), 'truncated')
  })
})

describe('encodeInvite refuses what it cannot encode', () => {
  it('refuses zero addresses', () => {
    expectReason(() => encodeInvite(invite({ addresses: [] })), 'no-addresses')
  })

  it('refuses 9 addresses', () => {
    const addresses = Array.from({ length: 9 }, (_, i) => addr(`/ip4/10.0.0.${i + 1}/tcp/4001`))
    expectReason(() => encodeInvite(invite({ addresses })), 'too-many-addresses')
  })

  it('refuses an address that does not end in /p2p/<peer id>', () => {
    const err = expectReason(
      () => encodeInvite(invite({ addresses: [multiaddr('/ip4/192.0.2.1/tcp/4001')] })),
      'bad-address',
    )
    expect(err.message).toContain('/ip4/192.0.2.1/tcp/4001')
  })

  it('refuses addresses naming different peers', () => {
    const addresses = [addr('/ip4/192.0.2.1/tcp/4001', peerA), addr('/ip4/192.0.2.2/tcp/4001', peerB)]
    expectReason(() => encodeInvite(invite({ addresses })), 'bad-peer-id')
  })

  it('refuses an empty network name', () => {
    expectReason(() => encodeInvite(invite({ networkName: '' })), 'bad-name')
  })

  it('refuses a network id that is not 64 lowercase hex characters', () => {
    for (const networkId of ['', 'ab'.repeat(31), 'AB'.repeat(32), 'zz'.repeat(32), 'ab'.repeat(33)]) {
      expectReason(() => encodeInvite(invite({ networkId })), 'encoding')
    }
  })

  it('refuses an invite that would exceed MAX_INVITE_LENGTH', () => {
    const addresses = Array.from({ length: MAX_INVITE_ADDRESSES }, (_, i) =>
      addr(`/dns4/${String(i).repeat(60)}.${'b'.repeat(60)}.${'c'.repeat(60)}.example/tcp/4001`),
    )
    expectReason(() => encodeInvite(invite({ addresses })), 'too-long')
  })
})

/**
 * Invites are read from whatever a person pastes: generated inputs, through the invite's public functions
 * only (encodeInvite, decodeInvite, InviteError), so the properties hold for any version of the format.
 * Anything decodes to an invite or is refused with an InviteError; valid invites round-trip; one flipped
 * bit of a valid invite is refused.
 */
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import fc from 'fast-check'
import { createHash } from 'node:crypto'
import { base58btc } from 'multiformats/bases/base58'
import { beforeAll, describe, expect, it } from 'vitest'
import { decodedOrRefused, flipBit } from '../../../test/support/decoding'
import { decodeInvite, encodeInvite, INVITE_PREFIX, InviteError, type Invite } from './invite'

let peers: string[]
beforeAll(async () => {
  peers = await Promise.all(
    [0, 1, 2].map(async () => peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()),
  )
})

const decode = (text: string) => decodedOrRefused(() => decodeInvite(text), InviteError)
const hex64 = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Buffer.from(b).toString('hex'))
const hex32 = fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => Buffer.from(b).toString('hex'))
/** An invite token that has not expired (its end is a 48-bit millisecond time). */
const token = fc.record({
  tokenId: hex32,
  endsAt: fc.integer({ min: Date.now() + 86_400_000, max: 2 ** 48 - 1 }),
  mac: hex32,
})
const port = fc.integer({ min: 1, max: 65535 })
const ip4 = fc.ipV4()
const ip6 = fc.ipV6()
const transportAddress = fc.oneof(
  fc.tuple(ip4, port).map(([ip, p]) => `/ip4/${ip}/tcp/${p}`),
  fc.tuple(ip6, port).map(([ip, p]) => `/ip6/${ip}/tcp/${p}`),
  fc.tuple(ip4, port).map(([ip, p]) => `/ip4/${ip}/tcp/${p}/ws`),
  fc.tuple(ip4, port).map(([ip, p]) => `/ip4/${ip}/udp/${p}/quic-v1`),
)
/** A network name of 1–64 UTF-8 bytes. */
const networkName = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }).filter((s) => {
  const bytes = new TextEncoder().encode(s).length
  return bytes >= 1 && bytes <= 64
})
const validInvite = (): fc.Arbitrary<Invite> =>
  fc
    .record({
      networkId: hex64,
      networkName,
      peer: fc.integer({ min: 0, max: 2 }),
      addresses: fc.uniqueArray(transportAddress, { minLength: 1, maxLength: 8 }),
      token,
    })
    .map(({ networkId, networkName, peer, addresses, token }) => ({
      networkId,
      networkName,
      addresses: addresses.map((a) => multiaddr(`${a}/p2p/${peers[peer]}`)),
      token,
    }))

const comparable = (invite: Invite) => ({
  networkId: invite.networkId,
  networkName: invite.networkName,
  addresses: invite.addresses.map((a) => a.toString()),
  token: invite.token,
})

describe('invites from generated input', () => {
  it('any text decodes or is refused with an InviteError', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ maxLength: 300 }), fc.string({ unit: 'binary', maxLength: 300 })),
        (text) => {
          decode(text)
          decode(INVITE_PREFIX + text)
        },
      ),
      { numRuns: 300 },
    )
  })

  it('any bytes after the prefix, with or without a matching checksum, decode or are refused', () => {
    const checked = (body: Uint8Array): Uint8Array =>
      new Uint8Array([...body, ...createHash('sha256').update(body).digest().subarray(0, 4)])
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), fc.boolean(), (body, withChecksum) => {
        decode(INVITE_PREFIX + base58btc.baseEncode(withChecksum ? checked(body) : body))
      }),
      { numRuns: 500 },
    )
  })

  it('bodies shaped like an invite (the layout of version 1) with any field decode or are refused', () => {
    const checked = (body: number[]): Uint8Array => {
      const bytes = new Uint8Array(body)
      return new Uint8Array([...bytes, ...createHash('sha256').update(bytes).digest().subarray(0, 4)])
    }
    const field = (max: number) => fc.uint8Array({ maxLength: max }).map((b) => [b.length, ...b])
    // A multiaddr's own bytes (so a valid one sometimes), or junk.
    const addressBytes = fc.oneof(
      transportAddress.map((a) => [...multiaddr(a).bytes]),
      fc.uint8Array({ minLength: 1, maxLength: 40 }).map((b) => [...b]),
    )
    fc.assert(
      fc.property(
        fc.record({
          version: fc.oneof(fc.constant(1), fc.nat(255)),
          networkId: fc.uint8Array({ minLength: 32, maxLength: 32 }),
          name: field(70),
          peer: fc.oneof(
            fc.integer({ min: 0, max: 2 }).map((i) => {
              const id = base58btc.baseDecode(peers[i]!)
              return [id.length, ...id]
            }),
            field(70),
          ),
          addresses: fc.array(addressBytes, { maxLength: 9 }),
          trailing: fc.uint8Array({ maxLength: 3 }),
        }),
        ({ version, networkId, name, peer, addresses, trailing }) => {
          const body = [
            version,
            ...networkId,
            ...name,
            ...peer,
            addresses.length,
            ...addresses.flatMap((a) => [a.length & 0xff, ...a]),
            ...trailing,
          ]
          decode(INVITE_PREFIX + base58btc.baseEncode(checked(body)))
        },
      ),
      { numRuns: 500 },
    )
  })

  it('valid invites round-trip', () => {
    fc.assert(
      fc.property(validInvite(), (invite) => {
        const text = encodeInvite(invite)
        const back = decode(text)
        expect(back.ok).toBe(true)
        if (back.ok) expect(comparable(back.value)).toEqual(comparable(invite))
        // Surrounding white space, as a paste brings it, changes nothing.
        const padded = decode(`  ${text}\n`)
        if (padded.ok) expect(comparable(padded.value)).toEqual(comparable(invite))
        else expect.fail(padded.error.message)
      }),
      { numRuns: 200 },
    )
  })

  it('a valid invite with any one bit flipped is refused', () => {
    fc.assert(
      fc.property(validInvite(), fc.nat(), (invite, at) => {
        const bytes = base58btc.baseDecode(encodeInvite(invite).slice(INVITE_PREFIX.length))
        const flipped = flipBit(bytes, at % (bytes.length * 8))
        expect(decode(INVITE_PREFIX + base58btc.baseEncode(flipped)).ok).toBe(false)
      }),
      { numRuns: 300 },
    )
  })
})

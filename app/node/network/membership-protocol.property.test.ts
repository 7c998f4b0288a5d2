/**
 * The membership protocol's hello is the first thing a stranger sends a node, and its answer the first
 * thing a node reads from a peer it dialed: generated inputs. Any bytes decode to the one message or are
 * refused with a MembershipProtocolError; valid messages round-trip; and nothing is coerced or dropped on
 * the way, so what decodes is exactly what was sent (an unknown field is refused, not ignored).
 */
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import fc from 'fast-check'
import { beforeAll, describe, expect, it } from 'vitest'
import { anyJsonInput, decodedOrRefused, mutatedObject } from '../../../test/support/decoding'
import { RECORDS_VERSION } from '../../consensus'
import type { SignedGrant } from './credential'
import {
  decodeAnswer,
  decodeHello,
  MembershipProtocolError,
  REFUSAL_REASONS,
  type Hello,
} from './membership-protocol'

let peers: string[]
beforeAll(async () => {
  peers = await Promise.all(
    [0, 1].map(async () => peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()),
  )
})

const utf8 = (value: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(value))
const hexOf = (bytes: number) =>
  fc.uint8Array({ minLength: bytes, maxLength: bytes }).map((b) => Buffer.from(b).toString('hex'))
const base64 = fc.uint8Array({ minLength: 1, maxLength: 96 }).map((b) => Buffer.from(b).toString('base64'))
const time = fc.integer({ min: 0, max: 2 ** 47 })

const grant = (networkId: string): fc.Arbitrary<SignedGrant> =>
  fc
    .record({ grantId: hexOf(32), memberKey: base64, startsAt: time, span: fc.integer({ min: 1, max: 1e9 }) })
    .map(({ grantId, memberKey, startsAt, span }) => ({
      grant: {
        v: RECORDS_VERSION,
        networkId,
        grantId,
        member: peers[0]!,
        memberKey,
        issuer: peers[1]!,
        startsAt,
        endsAt: startsAt + span,
      },
      signature: memberKey,
    }))

const validHello: fc.Arbitrary<Hello> = hexOf(32).chain((networkId) =>
  fc.record(
    {
      type: fc.constant('hello' as const),
      networkId: fc.constant(networkId),
      credential: fc.array(grant(networkId), { maxLength: 4 }),
      invite: fc.record({
        networkName: fc.string({ minLength: 1, maxLength: 40 }),
        token: fc.record({ tokenId: hexOf(16), endsAt: time, mac: hexOf(16) }),
      }),
    },
    { requiredKeys: ['type', 'credential'] },
  ),
)

describe('membership messages from generated input', () => {
  it('any bytes decode to a hello or an answer, or are refused with a MembershipProtocolError', () => {
    fc.assert(
      fc.property(anyJsonInput(), (bytes) => {
        decodedOrRefused(() => decodeHello(bytes), MembershipProtocolError)
        decodedOrRefused(() => decodeAnswer(bytes), MembershipProtocolError)
      }),
      { numRuns: 500 },
    )
  })

  it('valid hellos round-trip', () => {
    fc.assert(
      fc.property(validHello, (hello) => {
        expect(decodeHello(utf8(hello))).toEqual(hello)
      }),
      { numRuns: 200 },
    )
  })

  it('a hello with a field changed, dropped or added is refused, or decodes to exactly what was sent', () => {
    fc.assert(
      fc.property(
        validHello.chain((hello) => mutatedObject(hello)),
        (mutated) => {
          const decoded = decodedOrRefused(() => decodeHello(utf8(mutated)), MembershipProtocolError)
          if (decoded.ok) expect(decoded.value).toEqual(mutated)
        },
      ),
      { numRuns: 300 },
    )
  })

  it('a refusal carries one of the known reasons and a bounded message, and nothing else', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...REFUSAL_REASONS),
        fc.string({ maxLength: 400 }),
        fc.option(fc.jsonValue({ maxDepth: 1 }), { nil: undefined }),
        (reason, message, extra) => {
          const refused = { type: 'refused', reason, message, ...(extra === undefined ? {} : { extra }) }
          const decoded = decodedOrRefused(() => decodeAnswer(utf8(refused)), MembershipProtocolError)
          expect(decoded.ok).toBe(message.length <= 300 && extra === undefined)
        },
      ),
      { numRuns: 300 },
    )
  })
})

/**
 * Consensus messages come from any member's stream: generated inputs. The schema takes any JSON without
 * throwing; the transport delivers exactly the valid messages a stream carries and ends the stream at the
 * first frame that is not one, without throwing; valid messages round-trip; a signed vote with any bit of
 * its signed fields flipped is refused.
 */
import type { Connection, Libp2p, StreamHandler } from '@libp2p/interface'
import { lpStream, streamPair } from '@libp2p/utils'
import fc from 'fast-check'
import pino from 'pino'
import { beforeAll, describe, expect, it, vi } from 'vitest'
import { ed25519Scheme } from '../../test/sim/ed25519-scheme'
import { anyJson, anyJsonInput, flipBit, mutatedObject } from '../../test/support/decoding'
import {
  buildTestBlock,
  commitFor,
  TEST_CHAIN,
  testGenesis,
  testValidators,
} from '../../test/support/ledger-fixture'
import type { Block, Commit } from './block'
import { Chain } from './chain'
import { canonicalBytes } from './codec'
import { LedgerRejection } from './errors'
import { CONSENSUS_PROTOCOL, Libp2pConsensusTransport } from './ledger/consensus-transport'
import { MemoryBlockStore } from './memory-store'
import { ConsensusMessage } from './messages'
import { signProposal, signVote, verifyVote, type Vote } from './votes'

const hex = (bytes: number) =>
  fc.uint8Array({ minLength: bytes, maxLength: bytes }).map((b) => Buffer.from(b).toString('hex'))
const signedVote = (v: {
  type: Vote['type']
  height: number
  round: number
  blockHash: string | null
  by: number
}): Vote =>
  signVote(
    {
      type: v.type,
      chainId: TEST_CHAIN,
      height: v.height,
      round: v.round,
      blockHash: v.blockHash,
      validator: testValidators[v.by]!.address,
    },
    {
      scheme: ed25519Scheme,
      address: testValidators[v.by]!.address,
      secretKey: testValidators[v.by]!.secretKey,
    },
  )
const vote = fc
  .record({
    type: fc.constantFrom('prevote' as const, 'precommit' as const),
    height: fc.integer({ min: 1, max: 2 ** 40 }),
    round: fc.integer({ min: 0, max: 1_000_000 }),
    blockHash: fc.option(hex(32), { nil: null }),
    by: fc.integer({ min: 0, max: 3 }),
  })
  .map(signedVote)

let block: Block
let commit: Commit
beforeAll(() => {
  const chain = new Chain(TEST_CHAIN, testGenesis, ed25519Scheme, new MemoryBlockStore())
  block = buildTestBlock(chain, 0, null, 1_000)
  commit = commitFor(block, [0, 1, 2])
})

/** Valid messages of every kind. */
const validMessage = (): fc.Arbitrary<ConsensusMessage> =>
  fc.oneof(
    vote.map((v) => ({ type: 'vote' as const, vote: v })),
    fc.nat().map((height) => ({ type: 'status' as const, height })),
    fc.integer({ min: 1, max: 2 ** 40 }).map((fromHeight) => ({ type: 'sync-request' as const, fromHeight })),
    fc
      .tuple(vote, vote)
      .map(([a, b]) => ({ type: 'evidence' as const, evidence: { kind: 'duplicate-vote' as const, a, b } })),
    fc.constant(0).map(() => ({
      type: 'proposal' as const,
      block,
      proposal: signProposal(
        {
          chainId: TEST_CHAIN,
          height: 1,
          round: 0,
          validRound: -1,
          blockHash: commit.blockHash,
          proposer: testValidators[0]!.address,
        },
        {
          scheme: ed25519Scheme,
          address: testValidators[0]!.address,
          secretKey: testValidators[0]!.secretKey,
        },
      ),
    })),
    fc.constant(0).map(() => ({ type: 'sync-response' as const, entries: [{ block, commit }] })),
  )

const utf8 = (value: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(value))

describe('consensus messages from generated input', () => {
  it('the schema takes any JSON, and any valid message with a field changed, without throwing', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          anyJson(),
          validMessage().chain((m) => mutatedObject(m as unknown as Record<string, unknown>)),
          vote
            .chain((v) => mutatedObject(v as unknown as Record<string, unknown>))
            .map((v) => ({ type: 'vote', vote: v })),
        ),
        (json) => {
          ConsensusMessage.safeParse(json)
        },
      ),
      { numRuns: 500 },
    )
  })

  it('valid messages round-trip through their JSON', () => {
    fc.assert(
      fc.property(validMessage(), (message) => {
        expect(ConsensusMessage.parse(JSON.parse(JSON.stringify(message)))).toEqual(message)
      }),
      { numRuns: 200 },
    )
  })

  it('a signed vote with any one bit of its signed fields flipped is refused', () => {
    const set = new Chain(TEST_CHAIN, testGenesis, ed25519Scheme, new MemoryBlockStore()).validatorsAt(1)
    fc.assert(
      fc.property(vote, fc.nat(), (signed, at) => {
        const { signature, ...fields } = signed
        void signature
        // The signed fields are everything but the signature; in canonical JSON they follow it or lead it.
        const bytes = canonicalBytes(signed)
        const text = new TextDecoder().decode(bytes)
        const sigStart = text.indexOf('"signature":')
        const sigEnd = text.indexOf('"', sigStart + '"signature":"'.length) + 1
        const outside = bytes.length - (sigEnd - sigStart)
        let bit = at % (outside * 8)
        if (bit >= sigStart * 8) bit += (sigEnd - sigStart) * 8
        let json: unknown
        try {
          json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(flipBit(bytes, bit)))
        } catch {
          return
        }
        const parsed = ConsensusMessage.safeParse({ type: 'vote', vote: json })
        if (!parsed.success || parsed.data.type !== 'vote') return
        const flipped = parsed.data.vote
        expect(flipped).not.toEqual({ ...fields, signature })
        expect(() => verifyVote(flipped, set, ed25519Scheme, TEST_CHAIN)).toThrow(LedgerRejection)
      }),
      { numRuns: 500 },
    )
  })
})

describe('the consensus transport reading a stream of generated frames', () => {
  /** A transport on a stand-in libp2p that hands it one stream from a member, and what it received. */
  async function transportFed(frames: Uint8Array[]) {
    let handler: StreamHandler | null = null
    const libp2p = {
      handle: async (protocol: string, h: StreamHandler) => {
        expect(protocol).toBe(CONSENSUS_PROTOCOL)
        handler = h
      },
      unhandle: async () => {},
    } as unknown as Libp2p
    const member = testValidators[1]!.peerId
    const transport = new Libp2pConsensusTransport({
      libp2p,
      log: pino({ level: 'silent' }),
      members: () => [member],
      isMember: (peer) => peer === member,
    })
    const received: ConsensusMessage[] = []
    await transport.start((_from, message) => received.push(message))
    const [outbound, inbound] = await streamPair()
    const connection = { remotePeer: { toString: () => member } } as unknown as Connection
    void (handler as unknown as StreamHandler)(inbound, connection)
    const writer = lpStream(outbound)
    for (const frame of frames) await writer.write(frame).catch(() => {})
    return { transport, received, inbound, outbound }
  }

  it('delivers every valid message up to the first frame that is not one, then ends the stream', async () => {
    const frame = fc.oneof(
      { weight: 3, arbitrary: validMessage().map((m) => ({ valid: true, bytes: utf8(m), message: m })) },
      { weight: 1, arbitrary: anyJsonInput().map((bytes) => ({ valid: false, bytes, message: null })) },
    )
    await fc.assert(
      fc.asyncProperty(fc.array(frame, { minLength: 1, maxLength: 6 }), async (frames) => {
        // A generated frame may happen to be a valid message: what counts is what the schema says.
        const firstBad = frames.findIndex(
          (f) => !ConsensusMessage.safeParse(parseOrUndefined(f.bytes)).success,
        )
        const expected = (firstBad < 0 ? frames : frames.slice(0, firstBad)).map((f) =>
          ConsensusMessage.parse(parseOrUndefined(f.bytes)),
        )
        const { transport, received, inbound } = await transportFed(frames.map((f) => f.bytes))
        await vi.waitFor(() => {
          expect(received).toHaveLength(expected.length)
          if (firstBad >= 0) expect(transport.counters.refused).toBe(1)
        })
        expect(received).toEqual(expected)
        if (firstBad >= 0) await vi.waitFor(() => expect(inbound.status).not.toBe('open'))
        await transport.stop()
      }),
      { numRuns: 60 },
    )
  })
})

function parseOrUndefined(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes))
  } catch {
    return undefined
  }
}

/**
 * Leases asked for over the network (`/hypermesh/lease/request/1.0.0`) between two libp2p nodes on
 * loopback: granted to the asking peer when the owner's terms need no proofs, or once the asker answers
 * the owner's fresh challenge with the proofs its terms require; refused with the reason otherwise.
 */
import { falcon1024 } from '@noble/post-quantum/falcon.js'
import type { Libp2p } from 'libp2p'
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { LeaseBook } from '../app/assets/leases/lease-book'
import { proveForLease, type ProofChallenge } from '../app/assets/leases/lease-proofs'
import { LEASE_REQUEST_PROTOCOL, LeaseRequestServer, requestLease } from '../app/assets/leases/lease-requests'
import { lpStream } from '@libp2p/utils'
import type { DatabaseSync } from 'node:sqlite'
import { loopbackNode, ownerLeaseBook } from './support/lease-owner'

const NETWORK = 'c'.repeat(64)
const ASSET = 'd'.repeat(64)
const ask = { resource: 'storage' as const, amountBytes: 1024 * 1024, minutes: 10 }

describe('leases asked for over the network', () => {
  const ownerKeys = falcon1024.keygen()
  const askerKeys = falcon1024.keygen()
  let owner: Libp2p
  let asker: Libp2p
  let db: DatabaseSync
  let book: LeaseBook
  let server: LeaseRequestServer
  let required: ProofChallenge['need'] = []
  let staked = false

  beforeAll(async () => {
    ;[owner, asker] = await Promise.all([loopbackNode(ownerKeys), loopbackNode(askerKeys)])
    ;({ db, book } = ownerLeaseBook(owner, ownerKeys, NETWORK))
    server = new LeaseRequestServer(
      owner,
      {
        grant: (peer, a) =>
          book.issue({
            assetId: ASSET,
            holder: peer,
            amount: BigInt(a.amountBytes ?? 0),
            durationMs: a.minutes * 60_000,
          }),
        requiredProofs: () => required,
        proofParams: () => ({ workDifficultyBits: 8, vdfSquarings: 2_000 }),
        ledger: { bondedOf: () => (staked ? 5n : 0n), hasProvenSpace: () => false },
      },
      pino({ level: 'silent' }),
    )
    await server.start()
  }, 60_000)

  afterAll(async () => {
    await server?.stop()
    await Promise.all([owner, asker].map((n) => n?.stop()))
    db?.close()
  })

  const connect = () => asker.dial(owner.getMultiaddrs()[0]!)
  const prover = (asked: ProofChallenge) => proveForLease(asked, asker.peerId.toString(), askerKeys)
  const refusal = (promise: Promise<unknown>) =>
    promise.then(
      () => 'granted',
      (err: { code: string; message: string }) => `${err.code}: ${err.message}`,
    )

  it('grants a lease to the asking peer when the terms need no proofs', async () => {
    required = []
    const lease = await requestLease(await connect(), ask)
    expect(lease.terms).toMatchObject({ holder: asker.peerId.toString(), amount: String(1024 * 1024) })
  })

  it('refuses a request that is not a lease request, with the reason', async () => {
    const stream = await (await connect()).newStream(LEASE_REQUEST_PROTOCOL)
    const lp = lpStream(stream)
    await lp.write(new TextEncoder().encode(JSON.stringify({ resource: 'storage', minutes: 10 })))
    const answer = JSON.parse(new TextDecoder().decode((await lp.read()).subarray())) as { code: string }
    expect(answer.code).toBe('malformed')
    await stream.close()
  })

  it('asks for PoWork and PoTime over a fresh challenge, and grants once they hold', async () => {
    required = ['work', 'time']
    expect(await refusal(requestLease(await connect(), ask))).toBe(
      'proofs-required: the owner requires work, time',
    )
    const lease = await requestLease(await connect(), ask, prover)
    expect(lease.terms.holder).toBe(asker.peerId.toString())
  })

  it('refuses proofs made for an earlier challenge', async () => {
    required = ['time']
    let first: ProofChallenge | null = null
    await requestLease(await connect(), ask, (asked) => ((first = asked), prover(asked)))
    const replayed = await refusal(requestLease(await connect(), ask, () => prover(first!)))
    expect(replayed).toMatch(/^proofs-refused: the proofs are not signed for this challenge and peer/)
  })

  it('refuses an unstaked key where PoStake is required, and grants once it has stake', async () => {
    required = ['stake']
    staked = false
    expect(await refusal(requestLease(await connect(), ask, prover))).toMatch(
      /^proofs-refused: PoStake: account [0-9a-f]{40} has no bonded stake on this owner's ledger; stake CAESAR first$/,
    )
    staked = true
    expect(await refusal(requestLease(await connect(), ask, prover))).toBe('granted')
  })
})

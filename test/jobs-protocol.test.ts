/**
 * The provider's side of `/hypermesh/jobs/1.0.0` reached by a stranger over STOQ on loopback: an offer in
 * any spelling but its canonical JSON is refused while the same offer in canonical JSON is taken; a peer
 * that offers too often is refused for a minute; a stream that never sends its offer holds no run slot;
 * a quote (what the provider would ask, before any escrow) is answered only to a peer that may use it.
 */
import type { DatabaseSync } from 'node:sqlite'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Stream } from '@libp2p/interface'
import { lpStream } from '@libp2p/utils'
import type { Libp2p } from 'libp2p'
import { falcon1024 } from '@noble/post-quantum/falcon.js'
import pino from 'pino'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { addressOf, canonicalBytes, falcon1024Scheme, fromBase64, signJobSpec } from '../app/consensus'
import { CHAIN, jobSpec, keysOf } from '../app/consensus/jobs/test-fixture'
import type { JobsLedgerView, JobsServiceParts, ProviderTerms, WorkGroup } from '../app/jobs'
import { JobStore } from '../app/jobs/job-store'
import { JobServer, OFFERS_PER_PEER_PER_MINUTE } from '../app/jobs/provider/job-server'
import { JOBS_PROTOCOL } from '../app/jobs/protocol/messages'
import { databasePath, openDatabase } from '../app/node/storage/database'
import { loopbackNode } from './support/lease-owner'

const NETWORK = CHAIN
const submitterKeys = keysOf()
const providerKeys = falcon1024.keygen()

function offerOf(
  jobId: string,
  submitterPeer: string,
): { type: 'offer'; job: ReturnType<typeof signJobSpec> } {
  const now = Date.now()
  const spec = jobSpec(submitterKeys, {
    jobId,
    submitterPeer,
    runtime: 'quickjs',
    maxPayment: '1000000',
    maxPricePerCoreHour: '3600',
    privacy: 'FullPublic',
    createdAt: now,
    expiresAt: now + 600_000,
  })
  return { type: 'offer', job: signJobSpec(spec, submitterKeys) }
}

/** Sends `bytes` as the offer frame and reads the provider's first answer; `keep`: the stream stays open. */
async function answerTo(stream: Stream, bytes: Uint8Array, keep = false): Promise<Record<string, unknown>> {
  const lp = lpStream(stream)
  await lp.write(bytes)
  const answer = await lp.read({ signal: AbortSignal.timeout(10_000) })
  if (!keep) await stream.close()
  return JSON.parse(new TextDecoder().decode(answer.subarray())) as Record<string, unknown>
}

describe('the jobs protocol, as a stranger reaches it', () => {
  let provider: Libp2p
  let stranger: Libp2p
  let db: DatabaseSync
  let server: JobServer
  let maxConcurrent: number
  let peerRefusal: string | null

  const group: WorkGroup = {
    paused: false,
    spawn: () => {
      throw new Error('no job runs in this test')
    },
    usage: async () => ({ cpuSeconds: 0, memoryBytes: 0, memoryCapHits: 0 }),
  }
  const terms: ProviderTerms = {
    refusalFor: () => peerRefusal,
    privacy: () => 'FullPublic',
    pricePerCoreHour: () => 3600n,
    offerMillicores: () => 1000n,
    maxConcurrent: () => maxConcurrent,
    group: () => group,
  }
  const ledger: JobsLedgerView = {
    networkId: NETWORK,
    timeMs: Date.now(),
    minFee: 1n,
    escrow: () => ({
      payer: submitterKeys.address,
      remaining: 1_000_000n,
      open: true,
      settleBy: Date.now() + 3_600_000,
      paidTotal: 0n,
    }),
    outvoted: () => false,
    paidTo: () => null,
    balance: () => 0n,
    addressOfKey: (key) => addressOf(falcon1024Scheme, fromBase64(key)),
    cpuAssetPeers: () => [],
  }

  beforeAll(async () => {
    ;[provider, stranger] = await Promise.all([loopbackNode(providerKeys), loopbackNode(falcon1024.keygen())])
  })
  beforeEach(async () => {
    maxConcurrent = 4
    peerRefusal = null
    db = openDatabase(databasePath(mkdtempSync(join(tmpdir(), 'hm-jobs-protocol-'))))
    const parts = {
      libp2p: provider,
      db,
      peerId: provider.peerId.toString(),
      falcon: providerKeys,
      activeNetworkId: () => NETWORK,
      ledger: () => ledger,
      provider: terms,
      log: pino({ level: 'silent' }),
    } as unknown as JobsServiceParts
    server = new JobServer(
      parts,
      { refusalFor: () => null, run: () => Promise.reject(new Error('no job runs in this test')) },
      new JobStore(db),
    )
    await server.start()
  })
  afterEach(async () => {
    await server.stop()
    db.close()
  })
  afterAll(async () => {
    await Promise.all([provider.stop(), stranger.stop()])
  })

  const open = (): Promise<Stream> => stranger.dialProtocol(provider.getMultiaddrs(), JOBS_PROTOCOL)

  it('takes an offer only in its canonical JSON', async () => {
    const offer = offerOf('a'.repeat(64), stranger.peerId.toString())
    const canonical = canonicalBytes(offer)
    const spaced = new TextEncoder().encode(JSON.stringify(offer, null, 1))
    const reordered = new TextEncoder().encode(JSON.stringify({ job: offer.job, type: 'offer' }))
    for (const spelling of [spaced, reordered])
      expect(await answerTo(await open(), spelling)).toMatchObject({
        ok: false,
        code: 'malformed',
        message: expect.stringContaining('canonical JSON'),
      })
    expect(await answerTo(await open(), canonical)).toEqual({ ok: true, pricePerCoreHour: '3600' })
  })

  it('answers a quote with its terms, in canonical JSON only, and only to a peer that may use them', async () => {
    const quote = { type: 'quote', runtime: 'quickjs' }
    expect(await answerTo(await open(), canonicalBytes(quote))).toEqual({
      ok: true,
      pricePerCoreHour: '3600',
      offerMillicores: '1000',
      privacy: 'FullPublic',
    })
    expect(
      await answerTo(await open(), new TextEncoder().encode('{"type":"quote", "runtime":"quickjs"}')),
    ).toMatchObject({ ok: false, code: 'malformed', message: expect.stringContaining('canonical JSON') })
    expect(await answerTo(await open(), canonicalBytes({ type: 'quote', runtime: 'cobol' }))).toMatchObject({
      ok: false,
      code: 'malformed',
    })
    peerRefusal = 'this node shares its CPU with trusted peers only'
    expect(await answerTo(await open(), canonicalBytes(quote))).toEqual({
      ok: false,
      code: 'not-allowed',
      message: 'this node shares its CPU with trusted peers only',
    })
  })

  it('refuses a peer that offers more than its budget a minute', async () => {
    const garbage = new TextEncoder().encode('not an offer')
    for (let i = 0; i < OFFERS_PER_PEER_PER_MINUTE; i++)
      expect(await answerTo(await open(), garbage)).toMatchObject({ ok: false, code: 'malformed' })
    expect(
      await answerTo(await open(), canonicalBytes(offerOf('b'.repeat(64), stranger.peerId.toString()))),
    ).toMatchObject({
      ok: false,
      code: 'busy',
      message: expect.stringContaining('too many job offers'),
    })
  })

  it('holds no run slot for a stream that never sends its offer', async () => {
    maxConcurrent = 1
    const silent = await open()
    const taken = await open()
    const answer = await answerTo(
      taken,
      canonicalBytes(offerOf('e'.repeat(64), stranger.peerId.toString())),
      true,
    )
    expect(answer).toEqual({ ok: true, pricePerCoreHour: '3600' })
    // The slot is now held by that job, waiting for its code: the next offer is refused as busy.
    expect(
      await answerTo(await open(), canonicalBytes(offerOf('f'.repeat(64), stranger.peerId.toString()))),
    ).toMatchObject({
      ok: false,
      code: 'busy',
    })
    silent.abort(new Error('done'))
    taken.abort(new Error('done'))
  })
})

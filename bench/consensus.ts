/**
 * `npm run bench:consensus`: what the ledger costs and how fast it finalises.
 *
 * 1. Proof costs at the default network parameters, each beside a baseline measured in this process
 *    (one SHA-256 of 1 KiB): plot generation, VDF prove/verify, PoSpace answer/verify, PoWork, FALCON-1024
 *    sign/verify, and a whole block proof.
 * 2. For 4 and 7 validator daemons on loopback (real processes, FALCON-1024 keys, all four proofs on every
 *    block): finality latency of single transfers (submit → committed, p50/p99), and sustained throughput of
 *    pre-signed transfers from many accounts submitted to all validators at once.
 * Between them: transfer signatures verified per second on one thread and by the worker pool.
 */
import { createHash, randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { availableParallelism, tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { falcon1024 } from '@noble/post-quantum/falcon.js'
import pino from 'pino'
import { DEFAULT_PARAMS } from '../app/consensus/params'
import { evaluateVdf, verifyVdf } from '../app/consensus/proofs/vdf'
import { Plot, plotOwner, verifySpaceAnswers } from '../app/consensus/proofs/space'
import { solveWork, verifyWork } from '../app/consensus/proofs/work'
import { proveConsensus, verifyConsensusProof } from '../app/consensus/proofs/consensus-proof'
import { falcon1024Scheme } from '../app/consensus/signature-scheme'
import { addressOf, signTx, txSignatureVerdict, type SignedTx } from '../app/consensus/tx'
import { TxSignaturePool } from '../app/consensus/ledger/signature-pool'
import { VerificationCache } from '../app/consensus/verification-cache'
import { startSignatureWorkers, txVerifierThreads } from '../app/node/workers/signature-workers'
import { toBase64 } from '../app/consensus/codec'
import type { Daemon } from '../test/support/daemon'
import { chainStatus, startValidatorNet, waitForHeight } from '../test/support/validator-net'
import { benchHeader, writeBenchResult } from './report'

const { values } = parseArgs({
  options: {
    validators: { type: 'string', default: '4,7' },
    samples: { type: 'string', default: '40' },
    transfers: { type: 'string', default: '400' },
    senders: { type: 'string', default: '40' },
    /** Signatures per row of the verification throughput table. */
    'verify-txs': { type: 'string', default: '500' },
    /** continuous: blocks back to back; on-demand: a height starts when there is a transaction (as devnets). */
    mode: { type: 'string', default: 'continuous' },
  },
})
if (values.mode !== 'continuous' && values.mode !== 'on-demand')
  throw new Error('--mode is continuous or on-demand')
const BLOCK_MODE =
  values.mode === 'continuous'
    ? { blockIntervalMs: 0, emptyBlocksEveryMs: undefined }
    : { blockIntervalMs: 200, emptyBlocksEveryMs: 30_000 }
const counts = values.validators.split(',').map(Number)
const samples = Number(values.samples)
const transferCount = Number(values.transfers)
const senderCount = Number(values.senders)
const verifyCount = Number(values['verify-txs'])

/** Median ms per run of fn, over enough runs to take at least ~1 s (at most `max`). */
function timeIt(fn: () => unknown, max = 50): number {
  const times: number[] = []
  const deadline = performance.now() + 1_000
  while (times.length < 3 || (times.length < max && performance.now() < deadline)) {
    const t = performance.now()
    fn()
    times.push(performance.now() - t)
  }
  return quantile(times, 0.5)
}

/** Median ms of fn run once on each input (for checks that remember what they verified). */
function onceEach<T>(inputs: readonly T[], fn: (input: T) => unknown): number {
  return quantile(
    inputs.map((input) => {
      const t = performance.now()
      fn(input)
      return performance.now() - t
    }),
    0.5,
  )
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN
}

function proofCosts() {
  const p = DEFAULT_PARAMS.proofs
  const kib = randomBytes(1024)
  const baselineSha = timeIt(() => createHash('sha256').update(kib).digest(), 10_000)
  const keys = falcon1024.keygen(randomBytes(48))
  const address = addressOf(falcon1024Scheme, keys.publicKey)
  const signer = { scheme: falcon1024Scheme, address, ...keys }
  const owner = plotOwner(keys.publicKey)
  const plotStart = performance.now()
  const plot = Plot.generate(owner, p.spaceLeavesLog2, p.spaceLabelIterations)
  const plotMs = performance.now() - plotStart
  const seed = 'anchor:' + 'ab'.repeat(32)
  // Verified proofs are remembered (a block is checked at prevote and again at commit), so each verify
  // below is timed on a proof it has not seen: fresh seeds and anchors.
  const freshSeeds = Array.from({ length: 3 }, (_, i) => `anchor:${i}:${randomBytes(8).toString('hex')}`)
  const freshVdfs = freshSeeds.map((s) => [s, evaluateVdf(s, p.vdfSquarings)] as const)
  const answers = plot.prove('c'.repeat(64), p.spaceChallenges)!
  const nonce = solveWork('w'.repeat(64), p.workDifficultyBits)
  const message = randomBytes(200)
  const signature = falcon1024.sign(message, keys.secretKey)
  const anchor = 'ab'.repeat(32)
  const subject = 'cd'.repeat(32)
  const location = { peerId: '12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN', addrs: [] }
  const freshAnchors = Array.from({ length: 3 }, () => randomBytes(32).toString('hex'))
  const freshProofs = freshAnchors.map((a) => ({
    anchor: a,
    proof: proveConsensus({ anchor: a, subject, plot, signer, location, params: p }),
  }))
  const expectations = {
    subject,
    params: p,
    scheme: falcon1024Scheme,
    signerAddress: address,
    signerPublicKey: keys.publicKey,
    space: plot.commitment,
    stakeRefusal: () => null,
  }
  const rows = {
    'baseline: SHA-256 of 1 KiB': baselineSha,
    [`PoSpace plot generation (2^${p.spaceLeavesLog2} labels × ${p.spaceLabelIterations} SHA-256)`]: plotMs,
    [`PoTime VDF prove (${p.vdfSquarings} squarings, RSA-2048)`]: timeIt(
      () => evaluateVdf(seed, p.vdfSquarings),
      5,
    ),
    'PoTime VDF verify': onceEach(freshVdfs, ([s, proof]) => verifyVdf(s, p.vdfSquarings, proof)),
    [`PoSpace answer (${p.spaceChallenges} challenges)`]: timeIt(
      () => plot.prove('c'.repeat(64), p.spaceChallenges),
      10,
    ),
    'PoSpace verify': timeIt(() =>
      verifySpaceAnswers(answers.answers, answers.attempt, 'c'.repeat(64), plot.commitment, owner, p),
    ),
    [`PoWork solve (${p.workDifficultyBits} bits)`]: timeIt(() =>
      solveWork(randomBytes(8).toString('hex'), p.workDifficultyBits),
    ),
    'PoWork verify': timeIt(() => verifyWork('w'.repeat(64), nonce, p.workDifficultyBits), 10_000),
    'PoStake FALCON-1024 sign': timeIt(() => falcon1024.sign(message, keys.secretKey)),
    'PoStake FALCON-1024 verify': timeIt(() => falcon1024.verify(signature, message, keys.publicKey), 500),
    'whole block proof (all four)': timeIt(
      () => proveConsensus({ anchor, subject, plot, signer, location, params: p }),
      5,
    ),
    'whole block proof verify': onceEach(freshProofs, ({ anchor: a, proof }) =>
      verifyConsensusProof(proof, { ...expectations, anchor: a }),
    ),
  }
  console.log('\nProof costs (median ms, default network parameters)')
  for (const [name, ms] of Object.entries(rows))
    console.log(
      `  ${name.padEnd(62)} ${ms.toFixed(3).padStart(10)} ms   ${(ms / baselineSha).toFixed(0).padStart(9)}× baseline`,
    )
  return rows
}

/**
 * FALCON-1024 transfer signatures verified per second: on this thread (the baseline), then by the node's
 * worker pool at 1…N threads, each on its own freshly signed transfers (verdicts are cached per process).
 */
async function signatureThroughput(count: number): Promise<Record<string, number>> {
  const keys = falcon1024.keygen(randomBytes(48))
  const from = addressOf(falcon1024Scheme, keys.publicKey)
  let nonce = 0
  const signed = (n: number): SignedTx[] =>
    Array.from({ length: n }, () =>
      signTx(
        {
          kind: 'transfer',
          chainId: 'c'.repeat(64),
          from,
          publicKey: toBase64(keys.publicKey),
          nonce: nonce++,
          fee: DEFAULT_PARAMS.minFee,
          to: 'dd'.repeat(20),
          amount: '1',
        },
        falcon1024Scheme,
        keys.secretKey,
      ),
    )
  const perSecond = (ms: number): number => count / (ms / 1000)
  const rows: Record<string, number> = {}
  const inline = signed(count)
  let started = performance.now()
  for (const tx of inline) txSignatureVerdict(tx, falcon1024Scheme)
  rows['on the consensus thread (baseline)'] = perSecond(performance.now() - started)
  for (let threads = 1; threads <= availableParallelism(); threads++) {
    const workers = startSignatureWorkers(pino({ level: 'silent' }), { threads })
    if (workers == null)
      throw new Error('no signature worker beside the bench build; run npm run bench:consensus')
    const pool = TxSignaturePool.owning(txVerifierThreads(workers), 'falcon-1024', new VerificationCache())
    await pool.verifyAll(signed(threads * 8)) // workers loaded and warm
    const txs = signed(count)
    started = performance.now()
    await pool.verifyAll(txs)
    rows[`worker pool, ${threads} thread${threads === 1 ? '' : 's'}`] = perSecond(performance.now() - started)
    await pool.stop()
  }
  console.log(`\nTransfer signatures verified per second (FALCON-1024, ${count} per row)`)
  for (const [name, rate] of Object.entries(rows))
    console.log(`  ${name.padEnd(40)} ${rate.toFixed(0).padStart(8)} /s`)
  return rows
}

interface Sender {
  address: string
  publicKey: Uint8Array
  secretKey: Uint8Array
}

async function committedNonce(d: Daemon, address: string): Promise<number> {
  return (await d.call('chain.account', { address })).nonce
}

async function finality(first: Daemon): Promise<number[]> {
  const latencies: number[] = []
  const to = 'ee'.repeat(20)
  for (let i = 0; i < samples; i++) {
    // Transfers arrive at random moments, not in step with the blocks.
    await new Promise((r) => setTimeout(r, Math.random() * 1_000))
    const started = performance.now()
    const { nonce } = await first.call('chain.transfer', { to, amount: '1' })
    while ((await chainStatus(first)).self.nonce <= nonce) await new Promise((r) => setTimeout(r, 10))
    latencies.push(performance.now() - started)
  }
  return latencies
}

async function throughput(daemons: Daemon[], chainId: string, senders: Sender[]) {
  // Signed before the clock starts: the figure is the chain's, not this process's signing speed.
  const perSender = Math.ceil(transferCount / senders.length)
  const txs: SignedTx[] = []
  for (let n = 0; n < perSender; n++)
    for (const s of senders) {
      if (txs.length >= transferCount) break
      txs.push(
        signTx(
          {
            kind: 'transfer',
            chainId,
            from: s.address,
            publicKey: toBase64(s.publicKey),
            nonce: n,
            fee: DEFAULT_PARAMS.minFee,
            to: 'dd'.repeat(20),
            amount: '1',
          },
          falcon1024Scheme,
          s.secretKey,
        ),
      )
    }
  const started = performance.now()
  // Each sender's transactions go to one validator, in nonce order; senders are spread over validators.
  await Promise.all(
    senders.map(async (s, i) => {
      const d = daemons[i % daemons.length]!
      for (const tx of txs.filter((t) => t.body.from === s.address)) {
        const response = await submitWithRetry(d, tx)
        if (!response.ok) throw new Error(`submit refused: ${response.error.message}`)
      }
    }),
  )
  const submittedMs = performance.now() - started
  const last = new Map(txs.map((t) => [t.body.from, t.body.nonce]))
  const deadline = Date.now() + 600_000
  for (const [address, nonce] of last) {
    while ((await committedNonce(daemons[0]!, address)) <= nonce) {
      if (Date.now() > deadline) throw new Error('transfers not committed within 10 minutes')
      await new Promise((r) => setTimeout(r, 50))
    }
  }
  const totalMs = performance.now() - started
  return { transfers: txs.length, submittedMs, totalMs, perSecond: txs.length / (totalMs / 1000) }
}

/**
 * Resubmits when the HTTP request itself fails (a kept-alive socket the server closed under load): a
 * transaction already waiting is accepted again, so a retry cannot double-spend.
 */
async function submitWithRetry(d: Daemon, tx: SignedTx) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await d.callRaw('chain.submitTx', { tx })
    } catch (err) {
      if (attempt >= 3) throw err
      console.log(`  (submit retried after: ${String((err as Error).cause ?? err)})`)
      await new Promise((r) => setTimeout(r, 200))
    }
  }
}

async function network(count: number) {
  const base = mkdtempSync(join(tmpdir(), `hm-bench-consensus-${count}-`))
  const senders: Sender[] = Array.from({ length: senderCount }, () => {
    const keys = falcon1024.keygen(randomBytes(48))
    return { address: addressOf(falcon1024Scheme, keys.publicKey), ...keys }
  })
  console.log(`\n${count} validators: starting daemons…`)
  const net = await startValidatorNet(base, count, {
    balances: senders.map((s) => ({ address: s.address, amount: '1000000000' })),
    params: { proofs: DEFAULT_PARAMS.proofs, maxBlockTxs: 5_000, ...BLOCK_MODE },
  })
  const daemons = net.daemons as Daemon[]
  try {
    await waitForHeight(daemons, 1, 120_000)
    const chainId = (await chainStatus(daemons[0]!)).chainId
    const latencies = await finality(daemons[0]!)
    const p50 = quantile(latencies, 0.5)
    const p99 = quantile(latencies, 0.99)
    console.log(
      `  finality of one transfer: p50 ${p50.toFixed(0)} ms, p99 ${p99.toFixed(0)} ms (${samples} samples)`,
    )
    const tput = await throughput(daemons, chainId, senders)
    console.log(
      `  throughput: ${tput.transfers} transfers in ${(tput.totalMs / 1000).toFixed(1)} s = ${tput.perSecond.toFixed(1)} transfers/s (all submitted after ${(tput.submittedMs / 1000).toFixed(1)} s)`,
    )
    await Promise.all(daemons.map((d) => d.stop()))
    rmSync(base, { recursive: true, force: true })
    return { validators: count, mode: values.mode, finalityMs: { p50, p99, samples }, throughput: tput }
  } catch (err) {
    // The data dirs (with each node's log) stay for a look at what went wrong.
    await Promise.all(daemons.map((d) => d.stop()))
    console.error(`the validators' data dirs and logs are kept in ${base}`)
    throw err
  }
}

async function main(): Promise<void> {
  const command = `npm run bench:consensus -- --mode ${values.mode} --validators ${values.validators} --samples ${samples} --transfers ${transferCount} --senders ${senderCount} --verify-txs ${verifyCount}`
  const proofs = proofCosts()
  const signaturesPerSecond = await signatureThroughput(verifyCount)
  const networks = []
  for (const count of counts) networks.push(await network(count))
  writeBenchResult(`consensus-${values.mode}`, {
    ...benchHeader(command),
    proofCostsMs: proofs,
    signaturesPerSecond,
    networks,
  })
}

main().catch((err: Error) => {
  console.error(`bench:consensus: ${err.stack ?? err.message}`)
  process.exit(1)
})

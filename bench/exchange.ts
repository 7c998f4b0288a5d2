/**
 * `npm run bench:exchange`: what the exchange on the ledger (issue 19) costs, each figure beside a baseline
 * measured in the same run.
 *
 * 1. Matching inside block execution, in this process: a block of --orders crossing buy orders from
 *    --traders FALCON-1024 accounts, each filling --fills resting asks of quantity 1, executed by
 *    executeBlockBody on a book of each of --depths resting asks; beside a block of as many plain transfers
 *    from the same accounts, executed from the same state. Warm: every signature's verdict is already in the
 *    VerificationCache, as a validator has it (verified when the transaction entered its pool), so the
 *    figure is matching and state; cold: a fresh cache and fresh transaction objects, so every signature is
 *    verified in the block. The state root is computed after execution and is not timed here.
 * 2. Four validator daemons on loopback (test/support/validator-net.ts): V1 registers a memory asset and
 *    rests asks; V2 places --samples crossing buys one at a time, each timed from `exchange.place` until
 *    `exchange.mine` shows it filled; beside `chain.transfer` until `chain.status` shows it committed, from
 *    the same node and account, the two interleaved. `--samples 0` skips this part.
 */
import { createHash } from 'node:crypto'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { defaultSharing } from '../app/assets/sharing/defaults'
import { toBase64 } from '../app/consensus/codec'
import { executeBlockBody, type ExecutionContext } from '../app/consensus/execute'
import { MAX_OPEN_ORDERS_PER_ACCOUNT } from '../app/consensus/exchange/markets'
import { DEFAULT_PARAMS } from '../app/consensus/params'
import { falcon1024Scheme } from '../app/consensus/signature-scheme'
import { EMPTY_ACCOUNT, LedgerState } from '../app/consensus/state'
import { addressOf, signTx, verifyTxSignature, type SignedTx, type TxBody } from '../app/consensus/tx'
import { VerificationCache } from '../app/consensus/verification-cache'
import { ensureBuilt, waitFor, type Daemon } from '../test/support/daemon'
import { chainStatus, startValidatorNet, TEST_NET_PARAMS } from '../test/support/validator-net'
import { benchHeader, writeBenchResult } from './report'

const { values } = parseArgs({
  options: {
    traders: { type: 'string', default: '20' },
    /** Transactions in each timed block: buy orders, and as many transfers for the baseline. */
    orders: { type: 'string', default: '200' },
    /** Resting asks (quantity 1 each) one buy order fills. */
    fills: { type: 'string', default: '2' },
    /** Resting asks on the book when a block starts; each must hold a whole block's fills. */
    depths: { type: 'string', default: '1000,10000' },
    /** Buys (and transfers) timed on the daemons; 0 skips the daemons. */
    samples: { type: 'string', default: '30' },
  },
})
const TRADERS = Number(values.traders)
const ORDERS = Number(values.orders)
const FILLS = Number(values.fills)
const DEPTHS = values.depths.split(',').map(Number)
const SAMPLES = Number(values.samples)
for (const depth of DEPTHS)
  if (depth < ORDERS * FILLS)
    throw new Error(`--depths ${depth} is below a block's ${ORDERS} × ${FILLS} fills`)

const CHAIN = 'c'.repeat(64)
const PROPOSER = 'ab'.repeat(20)
const RECIPIENT = 'dd'.repeat(20)
const HOLDER = '12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN'
const T0 = Date.UTC(2026, 11, 1)
const ASK_PRICE = 1_000n
/** Asks are priced over this many levels, so price and time priority both matter. */
const PRICE_LEVELS = 100
/** Polling of the daemons' API while a transaction waits for its block. */
const POLL_MS = 25

const quantile = (xs: readonly number[], q: number): number => {
  const sorted = [...xs].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const fmt = (x: number): string => (x < 10 ? x.toFixed(2) : x.toFixed(0))
const row = (cells: (string | number)[], widths: number[]): string =>
  '  ' +
  cells.map((c, i) => (i === 0 ? String(c).padEnd(widths[0]!) : String(c).padStart(widths[i]!))).join(' ')

interface Trader {
  address: string
  publicKey: Uint8Array
  secretKey: Uint8Array
}

// ---------------------------------------------------------------------------------------------------------
// 1. Matching inside block execution

/**
 * A state at height 5 with the traders funded and `depth` resting cpu asks of quantity 1, written as
 * order-sell would write them. The asks' sellers are accounts with a registered cpu asset each, at most
 * MAX_OPEN_ORDERS_PER_ACCOUNT asks apiece; they sign nothing in the timed blocks, so they need no keys.
 */
function bookState(traders: readonly Trader[], depth: number): LedgerState {
  const state = new LedgerState(5)
  state.timeMs = T0
  for (const t of traders) state.accounts.set(t.address, { ...EMPTY_ACCOUNT, balance: 10n ** 15n })
  const hex = (...parts: unknown[]) => createHash('sha256').update(parts.join('/')).digest('hex')
  for (let i = 0; i < depth; i++) {
    const s = Math.floor(i / MAX_OPEN_ORDERS_PER_ACCOUNT)
    const seller = hex('seller', s).slice(0, 40)
    const assetId = hex('asset', s)
    if (i % MAX_OPEN_ORDERS_PER_ACCOUNT === 0) {
      state.accounts.set(seller, { ...EMPTY_ACCOUNT, balance: 1_000n })
      state.assets.set(assetId, {
        assetId,
        owner: seller,
        resource: 'cpu',
        capacity: 10n ** 12n,
        privacy: 'FullPublic',
        peerId: HOLDER,
        registeredAt: 1,
      })
    }
    state.orders.set(hex('ask', i), {
      owner: seller,
      market: 'cpu',
      side: 'sell',
      price: ASK_PRICE + BigInt(i % PRICE_LEVELS),
      quantity: 1n,
      remaining: 1n,
      seq: i,
      height: 4,
      holder: '',
      assetId,
    })
  }
  state.orderSeq = depth
  return state
}

/** One block's transactions, signed before any clock starts: trader k % n signs the k-th at nonce k / n. */
function signBlock(traders: readonly Trader[], kind: 'order-buy' | 'transfer'): SignedTx[] {
  return Array.from({ length: ORDERS }, (_, k) => {
    const t = traders[k % traders.length]!
    const envelope = {
      chainId: CHAIN,
      from: t.address,
      publicKey: toBase64(t.publicKey),
      nonce: Math.floor(k / traders.length),
      fee: DEFAULT_PARAMS.minFee,
    }
    const body: TxBody =
      kind === 'transfer'
        ? { kind, ...envelope, to: RECIPIENT, amount: '1' }
        : {
            kind,
            ...envelope,
            market: 'cpu',
            // Above every ask: each buy takes the best FILLS asks and pays their prices.
            price: String(ASK_PRICE + BigInt(PRICE_LEVELS)),
            quantity: String(FILLS),
            holder: HOLDER,
          }
    return signTx(body, falcon1024Scheme, t.secretKey)
  })
}

const contextWith = (cache: VerificationCache): ExecutionContext => ({
  chainId: CHAIN,
  params: DEFAULT_PARAMS,
  scheme: falcon1024Scheme,
  isRecentAnchor: () => false,
  cache,
})

const blockOf = (txs: readonly SignedTx[]) => ({
  height: 6,
  proposer: PROPOSER,
  txs,
  evidence: [],
  timeMs: T0 + 1_000,
})

type BlockInputs = () => { txs: readonly SignedTx[]; ctx: ExecutionContext }

/**
 * Median ms to execute the baseline's block and the measured block on `prior`, their runs alternating (so
 * both see the same machine), 3 to 200 runs each and about 4 s in all. Each input function makes a run's
 * inputs outside the clock: the same transactions and a warm cache, or new ones and a new cache (cold).
 */
function timeBlocks(
  prior: LedgerState,
  baseline: BlockInputs,
  measured: BlockInputs,
): { baseline: { ms: number; runs: number }; measured: { ms: number; runs: number } } {
  const times: [number[], number[]] = [[], []]
  const once = (inputs: BlockInputs, into: number[]) => {
    const { txs, ctx } = inputs()
    const started = performance.now()
    executeBlockBody(prior, blockOf(txs), ctx)
    into.push(performance.now() - started)
  }
  const deadline = performance.now() + 4_000
  while (times[0].length < 3 || (times[0].length < 200 && performance.now() < deadline)) {
    once(baseline, times[0])
    once(measured, times[1])
  }
  const stats = (xs: number[]) => ({ ms: quantile(xs, 0.5), runs: xs.length })
  return { baseline: stats(times[0]), measured: stats(times[1]) }
}

/** Checks once, untimed, that the block does what it is timed for: every buy filled FILLS asks. */
function checkBlock(prior: LedgerState, buys: readonly SignedTx[], transfers: readonly SignedTx[]) {
  const cache = new VerificationCache()
  const afterBuys = executeBlockBody(prior, blockOf(buys), contextWith(cache))
  const fills = afterBuys.leaseEscrows.size
  if (fills !== ORDERS * FILLS) throw new Error(`expected ${ORDERS * FILLS} fills, the block made ${fills}`)
  if (afterBuys.orders.size !== prior.orders.size - fills)
    throw new Error('a buy rested on the book instead of filling')
  const afterTransfers = executeBlockBody(prior, blockOf(transfers), contextWith(cache))
  const received = afterTransfers.account(RECIPIENT)?.balance ?? 0n
  if (received !== BigInt(ORDERS)) throw new Error(`expected ${ORDERS} transfers, ${received} arrived`)
  return { depthAfter: afterBuys.orders.size }
}

interface BlockRow {
  depth: number
  depthAfter: number
  cache: 'warm' | 'cold'
  transfers: { msPerBlock: number; perSecond: number; runs: number }
  orders: { msPerBlock: number; perSecond: number; fillsPerSecond: number; runs: number }
}

function blockExecution(): BlockRow[] {
  console.log(`\n1. Matching inside block execution (this process, executeBlockBody)`)
  let started = performance.now()
  const traders: Trader[] = Array.from({ length: TRADERS }, () => {
    const keys = falcon1024Scheme.keygen()
    return { address: addressOf(falcon1024Scheme, keys.publicKey), ...keys }
  })
  const keygenS = (performance.now() - started) / 1000
  started = performance.now()
  const buys = signBlock(traders, 'order-buy')
  const transfers = signBlock(traders, 'transfer')
  const signS = (performance.now() - started) / 1000
  console.log(
    `  ${TRADERS} FALCON-1024 accounts (keys in ${keygenS.toFixed(1)} s); ${ORDERS} buys and ${ORDERS} transfers signed up front (${signS.toFixed(1)} s)`,
  )
  console.log(
    `  a block: ${ORDERS} buys of ${FILLS} at a limit above every ask, each filling ${FILLS} asks of quantity 1 (${ORDERS * FILLS} fills), or ${ORDERS} transfers`,
  )
  // A validator's cache: each transaction verified when it entered the pool (mempool.add).
  const warm = new VerificationCache()
  for (const tx of [...buys, ...transfers]) verifyTxSignature(tx, falcon1024Scheme, CHAIN, warm)
  // A transaction never seen: a new object (its id not yet computed) and no verdict.
  const unseen = (txs: readonly SignedTx[]) => ({
    txs: structuredClone(txs),
    ctx: contextWith(new VerificationCache()),
  })

  const widths = [17, 5, 10, 12, 10, 10, 10, 10]
  console.log(
    row(
      [
        'book depth (asks)',
        'cache',
        'ms/block',
        'transfers/s',
        'ms/block',
        'orders/s',
        'fills/s',
        'vs transf.',
      ],
      widths,
    ),
  )
  console.log(row(['', '', 'baseline', '', 'buys', '', '', ''], widths))
  const rows: BlockRow[] = []
  for (const depth of DEPTHS) {
    const prior = bookState(traders, depth)
    const { depthAfter } = checkBlock(prior, buys, transfers)
    for (const cache of ['warm', 'cold'] as const) {
      const { baseline: t, measured: o } =
        cache === 'warm'
          ? timeBlocks(
              prior,
              () => ({ txs: transfers, ctx: contextWith(warm) }),
              () => ({ txs: buys, ctx: contextWith(warm) }),
            )
          : timeBlocks(
              prior,
              () => unseen(transfers),
              () => unseen(buys),
            )
      const perSecond = (ms: number) => ORDERS / (ms / 1000)
      const r: BlockRow = {
        depth,
        depthAfter,
        cache,
        transfers: { msPerBlock: t.ms, perSecond: perSecond(t.ms), runs: t.runs },
        orders: {
          msPerBlock: o.ms,
          perSecond: perSecond(o.ms),
          fillsPerSecond: perSecond(o.ms) * FILLS,
          runs: o.runs,
        },
      }
      rows.push(r)
      console.log(
        row(
          [
            `${depth} → ${depthAfter}`,
            cache,
            fmt(t.ms),
            r.transfers.perSecond.toFixed(0),
            fmt(o.ms),
            r.orders.perSecond.toFixed(0),
            r.orders.fillsPerSecond.toFixed(0),
            `${(r.orders.perSecond / r.transfers.perSecond).toFixed(2)}×`,
          ],
          widths,
        ),
      )
    }
  }
  console.log(
    '  median of 3–200 runs from one state, transfers and buys alternating; depth: asks at block start → end;',
  )
  console.log(
    '  warm: signature verdicts cached when the transactions entered the pool; cold: verified in the block',
  )
  return rows
}

// ---------------------------------------------------------------------------------------------------------
// 2. Submission to fill on four validator daemons

interface Latency {
  p50: number
  p90: number
  min: number
  max: number
  samples: number
}
const latencyOf = (ms: readonly number[]): Latency => ({
  p50: quantile(ms, 0.5),
  p90: quantile(ms, 0.9),
  min: Math.min(...ms),
  max: Math.max(...ms),
  samples: ms.length,
})

/** ms from `exchange.place` of a crossing buy until `exchange.mine` shows it filled. */
async function buyToFill(v2: Daemon, price: string): Promise<number> {
  const started = performance.now()
  const { orderId } = await v2.call('exchange.place', { market: 'memory', side: 'buy', price, quantity: '1' })
  const deadline = Date.now() + 120_000
  for (;;) {
    const order = (await v2.call('exchange.mine', {})).orders.find((o) => o.orderId === orderId)
    if (order?.state === 'filled') return performance.now() - started
    if (order != null && order.state !== 'pending')
      throw new Error(`buy ${orderId.slice(0, 12)}… ended ${order.state}, not filled`)
    if (Date.now() > deadline) throw new Error(`buy ${orderId.slice(0, 12)}… not filled in 120 s`)
    await sleep(POLL_MS)
  }
}

/** ms from `chain.transfer` until `chain.status` shows it committed (the baseline). */
async function transferToCommit(v2: Daemon, to: string): Promise<number> {
  const started = performance.now()
  const { txId } = await v2.call('chain.transfer', { to, amount: '1' })
  const deadline = Date.now() + 120_000
  for (;;) {
    const own = (await chainStatus(v2)).ownTxs.find((t) => t.txId === txId)
    if (own?.status === 'committed') return performance.now() - started
    if (own?.status === 'refused') throw new Error(`transfer refused: ${own.reason}`)
    if (Date.now() > deadline) throw new Error(`transfer ${txId.slice(0, 12)}… not committed in 120 s`)
    await sleep(POLL_MS)
  }
}

/**
 * SIGTERMs this process's own child processes: the daemons a failed startValidatorNet had started before
 * it threw (it returns them only when it succeeds). Linux: reads each process's parent from /proc.
 */
function stopOwnChildren(): void {
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8')
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
      if (ppid === process.pid) process.kill(Number(name), 'SIGTERM')
    } catch {
      // Gone meanwhile.
    }
  }
}

async function daemons() {
  console.log(`\n2. Submission to fill on 4 validator daemons (loopback, test network parameters)`)
  ensureBuilt()
  const base = mkdtempSync(join(tmpdir(), 'hm-bench-exchange-'))
  let v: Daemon[] = []
  try {
    let started = performance.now()
    try {
      const net = await startValidatorNet(base, 4, { fundEach: '10000000' })
      v = net.daemons as Daemon[]
    } catch (err) {
      stopOwnChildren()
      throw err
    }
    console.log(`  4 daemons started in ${((performance.now() - started) / 1000).toFixed(0)} s`)
    started = performance.now()
    // As test/exchange-daemons.test.ts: V1 shares memory and registers it as an asset.
    const [v1, v2] = [v[0]!, v[1]!]
    await v1.call('sharing.update', {
      resource: 'memory',
      settings: { ...defaultSharing('memory'), enabled: true, privacy: 'FullPublic', allocationPercent: 10 },
    })
    await v1.call('assets.register', { resource: 'memory' })
    await waitFor(
      'the memory asset to be registered',
      async () =>
        (await v1.call('exchange.preview', { market: 'memory', side: 'sell', price: '1', quantity: '1' }))
          .problems.length === 0,
      120_000,
    )
    // Asks enough for every buy: five price levels, each of SAMPLES units.
    const asks = [100, 101, 102, 103, 104]
    for (const price of asks)
      await v1.call('exchange.place', {
        market: 'memory',
        side: 'sell',
        price: String(price),
        quantity: String(SAMPLES),
      })
    await waitFor(
      "V2 to see V1's asks",
      async () => (await v2.call('exchange.book', { market: 'memory' })).asks.length === asks.length,
      120_000,
    )
    console.log(
      `  V1's memory asset registered and ${asks.length} asks resting in ${((performance.now() - started) / 1000).toFixed(0)} s`,
    )
    const to = (await chainStatus(v[2]!)).self.address
    const fills: number[] = []
    const commits: number[] = []
    // Interleaved, at random moments (not in step with the blocks), one transaction in flight at a time.
    for (let i = 0; i < SAMPLES; i++) {
      await sleep(Math.random() * 500)
      commits.push(await transferToCommit(v2, to))
      await sleep(Math.random() * 500)
      fills.push(await buyToFill(v2, String(asks.at(-1)! + 50)))
    }
    const book = await v2.call('exchange.book', { market: 'memory' })
    const result = {
      validators: 4,
      params: { blockIntervalMs: TEST_NET_PARAMS.blockIntervalMs, proofs: TEST_NET_PARAMS.proofs },
      pollMs: POLL_MS,
      transferToCommitMs: latencyOf(commits),
      buyToFillMs: latencyOf(fills),
      heightAtEnd: book.height,
    }
    const widths = [44, 8, 8, 8, 8]
    console.log(row(['', 'p50 ms', 'p90 ms', 'min', 'max'], widths))
    for (const [name, l] of [
      ['chain.transfer → committed (baseline)', result.transferToCommitMs],
      ['exchange.place buy → filled', result.buyToFillMs],
    ] as const)
      console.log(row([name, fmt(l.p50), fmt(l.p90), fmt(l.min), fmt(l.max)], widths))
    console.log(
      `  ${SAMPLES} of each from V2's own account, interleaved; polled every ${POLL_MS} ms; the chain was at height ${book.height} at the end`,
    )
    return result
  } finally {
    await Promise.all(v.map((d) => d.stop()))
    rmSync(base, { recursive: true, force: true })
  }
}

// ---------------------------------------------------------------------------------------------------------

function summary(rows: readonly BlockRow[], net: Awaited<ReturnType<typeof daemons>> | null): void {
  console.log('\nSummary')
  const widths = [34, 20, 34, 8]
  console.log(row(['measure', 'figure', 'baseline (same run)', 'ratio'], widths))
  for (const r of rows)
    console.log(
      row(
        [
          `orders/s, ${r.cache} cache, ${r.depth} asks`,
          `${r.orders.perSecond.toFixed(0)} (${r.orders.fillsPerSecond.toFixed(0)} fills)`,
          `${r.transfers.perSecond.toFixed(0)} transfers/s`,
          `${(r.orders.perSecond / r.transfers.perSecond).toFixed(2)}×`,
        ],
        widths,
      ),
    )
  if (net != null)
    for (const q of ['p50', 'p90'] as const)
      console.log(
        row(
          [
            `order → fill ${q}, 4 daemons`,
            `${fmt(net.buyToFillMs[q])} ms`,
            `${fmt(net.transferToCommitMs[q])} ms transfer → commit`,
            `${(net.buyToFillMs[q] / net.transferToCommitMs[q]).toFixed(2)}×`,
          ],
          widths,
        ),
      )
}

async function main(): Promise<void> {
  const command = `npm run bench:exchange -- --traders ${TRADERS} --orders ${ORDERS} --fills ${FILLS} --depths ${DEPTHS.join(',')} --samples ${SAMPLES}`
  const rows = blockExecution()
  const net = SAMPLES > 0 ? await daemons() : null
  summary(rows, net)
  writeBenchResult('exchange', {
    ...benchHeader(command),
    blockExecution: { traders: TRADERS, ordersPerBlock: ORDERS, fillsPerOrder: FILLS, rows },
    daemons: net,
  })
}

main().catch((err: Error) => {
  console.error(`bench:exchange: ${err.stack ?? err.message}`)
  process.exit(1)
})

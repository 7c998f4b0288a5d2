/**
 * A chaos run over running nodes: for `seconds`, and at least one of each kind, one fault at a time in a
 * seeded order (kill -9 and restart later, pause with SIGSTOP and resume, a clean restart, a partition of
 * the nodes into two sides and its heal), under a trickle of transfers; then everything is healed and the
 * run waits until every node reports the same tip, past where the chain was when the chaos ended, and
 * compares every block the nodes hold for a fork. The report says what happened, when, at which heights,
 * and whether they all came back to one chain.
 */
import type { NodeProcess } from './node-process'

export type FaultKind = 'kill' | 'pause' | 'restart' | 'partition'
export const FAULT_KINDS: readonly FaultKind[] = ['kill', 'pause', 'restart', 'partition']

export interface ChaosEvent {
  /** Milliseconds since the chaos began. */
  atMs: number
  what: string
  /** The nodes it touched, numbered from 1. */
  nodes: number[]
  /** Each node's height when it happened (null: it did not answer). */
  heights: (number | null)[]
}

export interface ChaosReport {
  seed: number
  nodes: number
  seconds: number
  /** How partitions were made. */
  partitions: string
  events: ChaosEvent[]
  transfers: { submitted: number; accepted: number }
  heightBefore: number
  heightAfterChaos: number
  final: {
    tips: { node: number; height: number | null; hash: string | null }[]
    /** Every node answered with one height and block hash, past heightAfterChaos. */
    sameTip: boolean
    /** From the heal to the same tip. */
    recoveredMs: number | null
    /** Heights compared block by block on every node (all of them, unless one could not show a block), and the first where two differed. */
    comparedHeights: number
    forkAt: number | null
  }
  ok: boolean
}

export interface ChaosOptions {
  seconds: number
  seed: number
  /** How long the nodes have to come back to one tip after the last fault. */
  settleMs: number
  log(line: string): void
}

interface Status {
  height: number
  lastBlockHash: string
  self: { address: string }
}

/** mulberry32: a small seeded generator, so that a seed replays the same schedule. */
function seeded(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** A copy of `items` in a random order (Fisher–Yates). */
function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items]
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    ;[out[i], out[j]] = [out[j] as T, out[i] as T]
  }
  return out
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

export async function runChaos(nodes: NodeProcess[], options: ChaosOptions): Promise<ChaosReport> {
  const random = seeded(options.seed)
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T
  const started = Date.now()
  const events: ChaosEvent[] = []
  const status = (node: NodeProcess): Promise<Status | null> =>
    node.state === 'running' ? node.call<Status>('chain.status', {}).catch(() => null) : Promise.resolve(null)
  const heights = async (): Promise<(number | null)[]> =>
    (await Promise.all(nodes.map(status))).map((s) => s?.height ?? null)
  const record = async (what: string, touched: number[]): Promise<void> => {
    const event = {
      atMs: Date.now() - started,
      what,
      nodes: touched.map((i) => i + 1),
      heights: await heights(),
    }
    events.push(event)
    options.log(
      `${(event.atMs / 1000).toFixed(1).padStart(6)} s  ${what.padEnd(34)} heights ${event.heights.map((h) => h ?? '-').join(' ')}`,
    )
  }

  const addresses = (await Promise.all(nodes.map(status))).map((s) => s?.self.address ?? null)
  const heightBefore = Math.max(0, ...(await heights()).map((h) => h ?? 0))
  const transfers = { submitted: 0, accepted: 0 }
  const load = setInterval(() => {
    const from = pick(nodes.filter((n) => n.state === 'running'))
    const to = pick(addresses.filter((a): a is string => a != null))
    if (from == null || to == null) return
    transfers.submitted++
    from.call('chain.transfer', { to, amount: '1' }).then(
      () => transfers.accepted++,
      () => {},
    )
  }, 1_000)

  try {
    // Whole cycles of every kind, so that even a short run has each fault at least once.
    let order: FaultKind[] = []
    while (order.length > 0 || Date.now() - started < options.seconds * 1000) {
      if (order.length === 0) order = shuffled(FAULT_KINDS, random)
      await inject(order.shift() as FaultKind)
      await sleep(1_000 + random() * 1_000)
    }
  } finally {
    clearInterval(load)
    // Whatever a failed step left, heal it all.
    for (const node of nodes) node.partition([])
    for (const node of nodes) if (node.state === 'paused') node.resume()
    for (const node of nodes) if (node.state !== 'running') await node.start().catch(() => {})
  }
  const heightAfterChaos = Math.max(0, ...(await heights()).map((h) => h ?? 0))
  await record('chaos over; all healed', [])

  const healedAt = Date.now()
  let tips: (Status | null)[] = []
  let sameTip = false
  while (!sameTip && Date.now() - healedAt < options.settleMs) {
    await sleep(500)
    tips = await Promise.all(nodes.map(status))
    const first = tips[0]
    sameTip =
      first != null &&
      first.height > heightAfterChaos &&
      tips.every((t) => t != null && t.height === first.height && t.lastBlockHash === first.lastBlockHash)
  }
  const recoveredMs = sameTip ? Date.now() - healedAt : null
  await record(sameTip ? 'every node at the same tip' : 'no common tip before the deadline', [])
  const fork = await compareChains(nodes, Math.min(...tips.map((t) => t?.height ?? 0)))
  return {
    seed: options.seed,
    nodes: nodes.length,
    seconds: options.seconds,
    partitions:
      'each node process carries a preload that refuses dials to, and cuts the connections it dialed to, ' +
      'the other side’s TCP ports (no root; nodes run on TCP only)',
    events,
    transfers,
    heightBefore,
    heightAfterChaos,
    final: {
      tips: tips.map((t, i) => ({ node: i + 1, height: t?.height ?? null, hash: t?.lastBlockHash ?? null })),
      sameTip,
      recoveredMs,
      comparedHeights: fork.compared,
      forkAt: fork.at,
    },
    ok: sameTip && fork.at == null && fork.missingAt == null,
  }

  /** One fault: applied, held for 2–5 s, undone, each step recorded. */
  async function inject(kind: FaultKind): Promise<void> {
    const hold = 2_000 + random() * 3_000
    const i = Math.floor(random() * nodes.length)
    const node = nodes[i] as NodeProcess
    switch (kind) {
      case 'kill':
        await node.kill()
        await record(`kill -9 node ${i + 1}`, [i])
        await sleep(hold)
        await node.start()
        await record(`node ${i + 1} started again`, [i])
        return
      case 'pause':
        node.pause()
        await record(`pause node ${i + 1} (SIGSTOP)`, [i])
        await sleep(hold)
        node.resume()
        await record(`resume node ${i + 1} (SIGCONT)`, [i])
        return
      case 'restart':
        await node.stop()
        await record(`stop node ${i + 1} (SIGTERM)`, [i])
        await node.start()
        await record(`node ${i + 1} restarted`, [i])
        return
      case 'partition': {
        // Two non-empty sides, at random.
        const side = nodes.map(() => random() < 0.5)
        if (side.every(Boolean) || !side.some(Boolean)) side[i] = !side[i]
        const a = nodes.flatMap((_, j) => (side[j] ? [j] : []))
        const b = nodes.flatMap((_, j) => (side[j] ? [] : [j]))
        const portsOf = (group: number[]): number[] =>
          group.flatMap((j) => (nodes[j] as NodeProcess).tcpPorts())
        for (const j of a) (nodes[j] as NodeProcess).partition(portsOf(b))
        for (const j of b) (nodes[j] as NodeProcess).partition(portsOf(a))
        await record(`partition {${a.map((j) => j + 1)}} | {${b.map((j) => j + 1)}}`, [...a, ...b])
        await sleep(hold)
        for (const n of nodes) n.partition([])
        await record('partition healed', [...a, ...b])
        return
      }
    }
  }
}

/**
 * Compares every node's block hash at each height 1…`upTo`: the first height where two differ (a fork), or
 * where a node could not show its block (then the comparison stops there, unfinished).
 */
async function compareChains(
  nodes: NodeProcess[],
  upTo: number,
): Promise<{ compared: number; at: number | null; missingAt: number | null }> {
  const hashes = await Promise.all(
    nodes.map(async (node) => {
      const byHeight = new Map<number, string>()
      for (let before = upTo + 1; before > 1; before -= 100) {
        const page = await node
          .call<{ height: number; hash: string }[]>('chain.blocks', { limit: 100, beforeHeight: before })
          .catch(() => [])
        for (const block of page) byHeight.set(block.height, block.hash)
        if (page.length === 0) break
      }
      return byHeight
    }),
  )
  for (let height = 1; height <= upTo; height++) {
    const seen = hashes.map((h) => h.get(height))
    if (seen.includes(undefined)) return { compared: height - 1, at: null, missingAt: height }
    if (new Set(seen).size !== 1) return { compared: height - 1, at: height, missingAt: null }
  }
  return { compared: upTo, at: null, missingAt: null }
}

/**
 * Who proposes: weighted round-robin by proposer priority, CometBFT's algorithm. Each step adds every
 * validator's voting power to its priority, the highest priority proposes (the lower address on a tie), and
 * the proposer's priority drops by the total power. Over any stretch of steps a validator proposes in
 * proportion to its power, and the choice depends only on the sets and powers of past heights: nothing a
 * proposer puts in its block (timestamp, signature, transactions other than stake changes) moves it. The
 * rule it replaces drew round 0's proposer from the previous block's hash, which that block's proposer could
 * grind until it drew itself (issue 17, item 18).
 *
 * One step per height (from the previous height's priorities, whatever round decided it) gives round 0's
 * proposer; each later round of a height is one more step from there.
 */

export interface PowerOf {
  readonly address: string
  readonly power: bigint
}

/**
 * A validator that joins starts this far behind (in units of the total power), so that leaving and joining
 * again cannot buy an early turn.
 */
const JOIN_PENALTY_NUM = 9n
const JOIN_PENALTY_DEN = 8n
/** Priorities are rescaled when their spread exceeds this many times the total power. */
const WINDOW_FACTOR = 2n

/**
 * A height's priorities after its step, and round 0's proposer: from the previous height's (null at
 * genesis, where every validator starts at 0).
 */
export function heightPriorities(
  previous: ReadonlyMap<string, bigint> | null,
  members: readonly PowerOf[],
): { priorities: Map<string, bigint>; proposer: string } {
  const total = members.reduce((sum, m) => sum + m.power, 0n)
  if (members.length === 0 || total === 0n) throw new Error('the validator set is empty')
  const joining = previous == null ? 0n : -((total * JOIN_PENALTY_NUM) / JOIN_PENALTY_DEN)
  const priorities = new Map(members.map((m) => [m.address, previous?.get(m.address) ?? joining]))
  rescale(priorities, total * WINDOW_FACTOR)
  center(priorities)
  const proposer = step(priorities, members, total)
  return { priorities, proposer }
}

/** One step: everyone gains its power, the highest proposes and pays the total. Returns the proposer. */
export function step(priorities: Map<string, bigint>, members: readonly PowerOf[], total: bigint): string {
  let best: string | null = null
  let bestPriority = 0n
  for (const { address, power } of members) {
    const p = (priorities.get(address) ?? 0n) + power
    priorities.set(address, p)
    if (best == null || p > bestPriority || (p === bestPriority && address < best)) {
      best = address
      bestPriority = p
    }
  }
  priorities.set(best!, bestPriority - total)
  return best!
}

/** Divides every priority by the same factor when their spread is wider than `window`. */
function rescale(priorities: Map<string, bigint>, window: bigint): void {
  const values = [...priorities.values()]
  const max = values.reduce((a, b) => (b > a ? b : a))
  const min = values.reduce((a, b) => (b < a ? b : a))
  const spread = max - min
  if (spread <= window) return
  const ratio = (spread + window - 1n) / window
  for (const [address, p] of priorities) priorities.set(address, p / ratio)
}

/** Moves the priorities so that they average zero: they stay bounded however long the chain runs. */
function center(priorities: Map<string, bigint>): void {
  let sum = 0n
  for (const p of priorities.values()) sum += p
  const average = sum / BigInt(priorities.size)
  for (const [address, p] of priorities) priorities.set(address, p - average)
}

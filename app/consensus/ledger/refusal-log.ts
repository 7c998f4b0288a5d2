/**
 * What consensus refused, per peer, in bounded log lines. Logging every refused message let any member fill
 * the disk (issue 17: 20,000 votes from a non-validator wrote 5.1 MB of warnings in 1.1 s). Now a peer's
 * first refusal is logged at once, with its reason; the rest are counted, and each interval every peer
 * that was refused gets one summary line (counts by kind, one example reason each). A peer refused more
 * than `disconnectAfter` times in one interval is reported once to `onOffender`, which disconnects it.
 */
import type { Logger } from 'pino'

export interface RefusalLogOptions {
  /** Length of one counting interval, and how often summaries are written. */
  readonly intervalMs?: number
  /** Refusals in one interval that make a peer an offender. */
  readonly disconnectAfter?: number
  /** Peers counted apart; beyond this, refusals from further peers are counted together. */
  readonly maxPeers?: number
}

export const REFUSAL_INTERVAL_MS = 10_000
/**
 * An honest peer is rarely refused: a lagging one re-gossiping its 64 waiting transactions every 5 s
 * (TX_GOSSIP_BATCH) is refused at most 128 times in 10 s. Twice that is no accident.
 */
export const DISCONNECT_AFTER_REFUSALS = 256
const MAX_PEERS = 1024
/** Kinds of refusal kept apart in one peer's summary; the rest count as "other". */
const MAX_KINDS = 8
const OTHER = 'other'

interface PeerRefusals {
  count: number
  /** Whether the first refusal was logged on its own when it came. */
  loggedFirst: boolean
  offender: boolean
  readonly kinds: Map<string, { count: number; example: string }>
}

export class RefusalLog {
  private readonly intervalMs: number
  private readonly disconnectAfter: number
  private readonly maxPeers: number
  private peers = new Map<string, PeerRefusals>()
  /** Peers summarized at the last flush: their next refusals go straight into the next summary. */
  private recent = new Set<string>()
  private timer: ReturnType<typeof setInterval> | null = null

  constructor(
    private readonly log: Logger,
    private readonly onOffender: (peer: string, refusals: number) => void,
    options: RefusalLogOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? REFUSAL_INTERVAL_MS
    this.disconnectAfter = options.disconnectAfter ?? DISCONNECT_AFTER_REFUSALS
    this.maxPeers = options.maxPeers ?? MAX_PEERS
  }

  start(): void {
    if (this.timer != null) return
    this.timer = setInterval(() => this.flush(), this.intervalMs)
    this.timer.unref?.()
  }

  /** Writes what is still counted and stops the interval. */
  stop(): void {
    if (this.timer != null) clearInterval(this.timer)
    this.timer = null
    this.flush()
  }

  /**
   * Something from `peer` was refused. Null: no peer to count it against (a block this node found invalid,
   * its own proposal it could not build); the driver reports each of those once, so each is logged.
   */
  record(peer: string | null, what: string, reason: string): void {
    if (peer == null) return void this.log.warn({ what, reason }, 'consensus refused a block')
    const key = this.keyFor(peer)
    let entry = this.peers.get(key)
    if (entry == null) {
      entry = { count: 0, loggedFirst: false, offender: false, kinds: new Map() }
      this.peers.set(key, entry)
      if (!this.recent.has(key)) {
        entry.loggedFirst = true
        this.log.warn({ peer: key, what, reason }, 'consensus refused a message')
      }
    }
    entry.count++
    const kind = entry.kinds.has(what) || entry.kinds.size < MAX_KINDS ? what : OTHER
    const counted = entry.kinds.get(kind)
    if (counted == null) entry.kinds.set(kind, { count: 1, example: reason })
    else counted.count++
    if (key === peer && !entry.offender && entry.count >= this.disconnectAfter) {
      entry.offender = true
      this.onOffender(peer, entry.count)
    }
  }

  /** One summary line per peer refused since the last flush (beyond a first refusal logged on its own). */
  flush(): void {
    const summarized = new Set<string>()
    for (const [peer, entry] of this.peers) {
      const unlogged = entry.count - (entry.loggedFirst ? 1 : 0)
      if (unlogged === 0) continue
      summarized.add(peer)
      const kinds = Object.fromEntries(
        [...entry.kinds].map(([what, { count, example }]) => [what, { count, example }]),
      )
      this.log.warn(
        { peer, refused: entry.count, intervalMs: this.intervalMs, kinds },
        'consensus refused messages (summary)',
      )
    }
    this.peers = new Map()
    this.recent = summarized
  }

  private keyFor(peer: string): string {
    if (this.peers.has(peer) || this.peers.size < this.maxPeers) return peer
    return 'other-peers'
  }
}

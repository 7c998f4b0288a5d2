/**
 * Answers peers' requests for committed blocks (sync-request). Any member can ask, as often as it likes,
 * and each answer reads, parses and encodes up to SYNC_BATCH stored blocks: unchecked, ten seconds of tiny
 * requests once cost 12.5 CPU-seconds and starved the local API (issue 17). So a request is answered only
 * when the peer is behind (it asks for blocks this node holds and has not said it holds them itself), at
 * most at a steady rate per peer, and from a cache of recent batches: the transport encodes a cached
 * message once, so a repeated request costs neither the store nor the encoder.
 */
import { LRUCache } from 'lru-cache'
import { blockSize } from './block'
import type { BlockStore } from './chain'
import { canonicalBytes } from './codec'
import { SYNC_BATCH, SYNC_BATCH_BYTES, type CommittedEntry, type ConsensusMessage } from './messages'

/** Peers whose height and request rate are remembered (least recently heard go first). */
const MAX_TRACKED_PEERS = 4096
/** Requests a peer may make at once before the steady rate applies. */
export const SYNC_REQUEST_BURST = 4
/** Encoded bytes of batches kept for repeated requests: one batch of the largest size. */
const SYNC_CACHE_BYTES = 64 * 1024 * 1024

type SyncResponse = Extract<ConsensusMessage, { type: 'sync-response' }>

interface Batch {
  readonly message: SyncResponse
  readonly lastHeight: number
  /** No later block can join it: SYNC_BATCH blocks, or the next one would pass SYNC_BATCH_BYTES. */
  readonly complete: boolean
  readonly bytes: number
}

/** What serve() decided: the answer, nothing to send (a race an honest peer can lose), or a refusal. */
export type SyncAnswer = { message: SyncResponse } | { refused: string } | null

export class SyncServer {
  private readonly heights = new LRUCache<string, number>({ max: MAX_TRACKED_PEERS })
  private readonly buckets = new LRUCache<string, { tokens: number; at: number }>({ max: MAX_TRACKED_PEERS })
  private readonly batches = new LRUCache<number, Batch>({
    maxSize: SYNC_CACHE_BYTES,
    sizeCalculation: (batch) => Math.max(1, batch.bytes),
  })

  constructor(
    private readonly store: Pick<BlockStore, 'get'>,
    private readonly now: () => number,
    /** One request per this many ms is the steady rate (a lagging peer asks at most once per gossip tick). */
    private readonly requestIntervalMs: number,
  ) {}

  /** A peer said (status) that it holds blocks up to `height`. */
  heard(peer: string, height: number): void {
    this.heights.set(peer, height)
  }

  /** The answer to `peer`'s request for blocks from `fromHeight`, this node holding blocks up to `tip`. */
  serve(peer: string, fromHeight: number, tip: number): SyncAnswer {
    if (fromHeight > tip) return null
    const holds = this.heights.get(peer)
    if (holds != null && holds >= fromHeight)
      return { refused: `the peer asked for block ${fromHeight} but said it holds blocks up to ${holds}` }
    if (!this.take(peer)) return { refused: 'too many sync requests; at most one per gossip interval' }
    const cached = this.batches.get(fromHeight)
    if (cached != null && (cached.complete || cached.lastHeight === tip)) return { message: cached.message }
    const batch = this.read(fromHeight, tip)
    if (batch == null) return null
    this.batches.set(fromHeight, batch)
    return { message: batch.message }
  }

  /** A token from the peer's bucket: SYNC_REQUEST_BURST at once, refilled one per requestIntervalMs. */
  private take(peer: string): boolean {
    const now = this.now()
    const bucket = this.buckets.get(peer) ?? { tokens: SYNC_REQUEST_BURST, at: now }
    const refilled = Math.min(SYNC_REQUEST_BURST, bucket.tokens + (now - bucket.at) / this.requestIntervalMs)
    const ok = refilled >= 1
    this.buckets.set(peer, { tokens: ok ? refilled - 1 : refilled, at: now })
    return ok
  }

  private read(fromHeight: number, tip: number): Batch | null {
    const entries: CommittedEntry[] = []
    let bytes = 0
    let complete = false
    for (let h = fromHeight; h <= tip; h++) {
      const stored = this.store.get(h)
      if (stored == null) break
      const entry = { block: stored.block, commit: stored.commit }
      const size = entryBytes(entry)
      if (entries.length > 0 && bytes + size > SYNC_BATCH_BYTES) {
        complete = true
        break
      }
      entries.push(entry)
      bytes += size
      if (entries.length === SYNC_BATCH) {
        complete = true
        break
      }
    }
    if (entries.length === 0) return null
    const lastHeight = fromHeight + entries.length - 1
    return { message: { type: 'sync-response', entries }, lastHeight, complete, bytes }
  }
}

/** An entry's encoded bytes in a sync response: `{"block":…,"commit":…}` and the comma after it. */
const entryBytes = (entry: CommittedEntry): number =>
  blockSize(entry.block) + canonicalBytes(entry.commit).length + '{"block":,"commit":},'.length

/**
 * `/hypermesh/consensus/1.0.0`: consensus messages between members of one network, over the node's STOQ
 * connections. Each direction of each peer pair uses one long-lived stream of length-prefixed JSON, every
 * message read through the ConsensusMessage schema. Only members of the active network may open one.
 *
 * Sends never wait: each peer has a bounded outbox, and what does not fit is dropped. Consensus does not
 * depend on any single message arriving, because the driver gossips everything it knows every 200 ms and
 * blocks come back through sync; a slow peer must not stall the node or grow its memory.
 *
 * Reading is bounded: a message is at most MAX_MESSAGE_BYTES, a stream that sends nothing for
 * READ_IDLE_MS is closed (live peers send their status every gossip tick), and what is refused is logged
 * per peer in bounded lines (RefusalLog). A peer refused too often is disconnected: its streams are
 * closed and it may not open one again for a while, longer each time.
 */
import { lpStream, type LengthPrefixedStream } from '@libp2p/utils'
import type { Connection, Libp2p, Stream } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { LRUCache } from 'lru-cache'
import type { Logger } from 'pino'
import type { ConsensusTransport } from '../driver'
import { decodeConsensusMessage, MAX_MESSAGE_BYTES, type ConsensusMessage } from '../messages'
import { RefusalLog, type RefusalLogOptions } from './refusal-log'

export const CONSENSUS_PROTOCOL = '/hypermesh/consensus/1.0.0'
/**
 * The reader's limits: the declared length of one message, and the bytes buffered while it arrives, with
 * room for the start of the next (the libp2p byte stream's own default of 4 MiB once reset every full
 * block and every large sync batch, unlogged).
 */
const READ_LIMITS = { maxDataLength: MAX_MESSAGE_BYTES, maxBufferSize: MAX_MESSAGE_BYTES + 1024 * 1024 }
/** A consensus stream with no bytes for this long is closed; the peer's next message opens a new one. */
export const READ_IDLE_MS = 30_000
/** Messages waiting for one peer; beyond this they are dropped (gossip repeats them). */
const MAX_OUTBOX_MESSAGES = 512
const MAX_OUTBOX_BYTES = 96 * 1024 * 1024
const OPEN_TIMEOUT_MS = 10_000
/** A disconnected offender may not open a consensus stream for this long, doubled each further time. */
const FIRST_BAN_MS = 60_000
const MAX_BAN_MS = 60 * 60_000

export interface ConsensusTransportParts {
  libp2p: Libp2p
  log: Logger
  /** Peers of the active network now; messages go to these and come only from these. */
  members(): string[]
  isMember(peer: string): boolean
  /** How refusals are counted and summarized (tests shorten the interval). */
  refusals?: RefusalLogOptions
  /** How long a stream may send nothing before it is closed (READ_IDLE_MS). */
  readIdleMs?: number
}

export interface ConsensusTransportCounters {
  sent: number
  received: number
  dropped: number
  refused: number
  /** Peers disconnected for sending too many refused messages. */
  disconnected: number
}

export class Libp2pConsensusTransport implements ConsensusTransport {
  readonly counters: ConsensusTransportCounters = {
    sent: 0,
    received: 0,
    dropped: 0,
    refused: 0,
    disconnected: 0,
  }
  private readonly outboxes = new Map<string, Outbox>()
  /** Open inbound streams, with the peer each is from. */
  private readonly inbound = new Map<Stream, string>()
  /** Offenders: until when each may not talk to this node, and how many times it was disconnected. */
  private readonly bans = new LRUCache<string, { until: number; times: number }>({ max: 4096 })
  private readonly refusals: RefusalLog
  private receiver: ((from: string, message: ConsensusMessage) => void) | null = null
  private stopped = false

  constructor(private readonly parts: ConsensusTransportParts) {
    this.refusals = new RefusalLog(parts.log, (peer, count) => this.disconnect(peer, count), parts.refusals)
  }

  async start(receive: (from: string, message: ConsensusMessage) => void): Promise<void> {
    this.receiver = receive
    this.refusals.start()
    await this.parts.libp2p.handle(
      CONSENSUS_PROTOCOL,
      (stream, connection) => void this.readFrom(stream, connection),
      { maxInboundStreams: 2, maxOutboundStreams: 2 },
    )
  }

  async stop(): Promise<void> {
    this.stopped = true
    this.receiver = null
    this.refusals.stop()
    for (const outbox of this.outboxes.values()) outbox.close()
    this.outboxes.clear()
    // Peers' streams to this transport end too, so that their next message opens a stream to whatever
    // handles the protocol next (the same chain reopened when this node's role changed).
    for (const stream of this.inbound.keys()) stream.abort(new Error('consensus transport stopped'))
    this.inbound.clear()
    await Promise.resolve(this.parts.libp2p.unhandle(CONSENSUS_PROTOCOL)).catch(() => {})
  }

  broadcast(message: ConsensusMessage): void {
    const bytes = this.encode(message)
    if (bytes == null) return
    for (const peer of this.parts.members()) this.enqueue(peer, bytes)
  }

  send(peer: string, message: ConsensusMessage): void {
    if (!this.parts.isMember(peer)) return
    const bytes = this.encode(message)
    if (bytes != null) this.enqueue(peer, bytes)
  }

  /**
   * Something `peer` sent was refused (here, or by the driver). Counted and logged in bounded lines; a peer
   * refused too often is disconnected.
   */
  refused(peer: string | null, what: string, reason: string): void {
    if (peer != null) this.counters.refused++
    this.refusals.record(peer, what, reason)
  }

  /** Whether `peer` is disconnected as an offender now. */
  isBanned(peer: string): boolean {
    return (this.bans.get(peer)?.until ?? 0) > Date.now()
  }

  /**
   * Closes `peer`'s consensus streams and refuses its messages and new streams for a while: one minute
   * the first time, doubled each further time up to an hour.
   */
  disconnect(peer: string, refusals: number): void {
    const times = (this.bans.get(peer)?.times ?? 0) + 1
    const ms = Math.min(FIRST_BAN_MS * 2 ** (times - 1), MAX_BAN_MS)
    this.bans.set(peer, { until: Date.now() + ms, times })
    this.counters.disconnected++
    this.parts.log.warn(
      { peer, refusals, seconds: ms / 1000 },
      'disconnected a peer whose consensus messages kept being refused',
    )
    this.outboxes.get(peer)?.close()
    this.outboxes.delete(peer)
    for (const [stream, from] of this.inbound)
      if (from === peer) stream.abort(new Error('too many refused consensus messages'))
  }

  /**
   * The wire bytes of a message; remembered per message object, so that a cached sync response sent
   * again is not encoded again. Null (logged) for a message over the protocol's limit.
   */
  private encode(message: ConsensusMessage): Uint8Array | null {
    let bytes = encoded.get(message)
    if (bytes == null) {
      bytes = new TextEncoder().encode(JSON.stringify(message))
      encoded.set(message, bytes)
    }
    if (bytes.length <= MAX_MESSAGE_BYTES) return bytes
    this.counters.dropped++
    this.parts.log.error(
      { type: message.type, bytes: bytes.length, limit: MAX_MESSAGE_BYTES },
      'a consensus message is over the protocol limit; not sent',
    )
    return null
  }

  private enqueue(peer: string, bytes: Uint8Array): void {
    if (this.stopped || this.isBanned(peer)) return
    let outbox = this.outboxes.get(peer)
    if (outbox == null) {
      outbox = new Outbox(peer, this.parts, this.counters, () => this.outboxes.delete(peer))
      this.outboxes.set(peer, outbox)
    }
    outbox.push(bytes)
  }

  private async readFrom(stream: Stream, connection: Connection): Promise<void> {
    const peer = connection.remotePeer.toString()
    if (!this.parts.isMember(peer)) {
      stream.abort(new Error('not a member of this network'))
      return
    }
    if (this.isBanned(peer)) {
      stream.abort(new Error('disconnected for too many refused consensus messages'))
      return
    }
    const lp = lpStream(stream, READ_LIMITS)
    const idle = new IdleDeadline(stream, this.parts.readIdleMs ?? READ_IDLE_MS)
    this.inbound.set(stream, peer)
    try {
      for (;;) {
        const frame = await lp.read({ signal: idle.signal })
        const message = decodeConsensusMessage(frame.subarray())
        if (message == null) {
          this.refused(peer, 'message', 'not a well-formed consensus message; the stream was closed')
          stream.abort(new Error('malformed consensus message'))
          return
        }
        if (this.isBanned(peer)) return
        this.counters.received++
        this.receiver?.(peer, message)
      }
    } catch (err) {
      const name = (err as Error).name
      if (name === 'InvalidDataLengthError' || name === 'InvalidDataLengthLengthError')
        this.refused(
          peer,
          'message',
          `over the size limit (${(err as Error).message}); the stream was closed`,
        )
      else if (idle.expired)
        this.parts.log.debug({ peer, idleMs: idle.ms }, 'closed a consensus stream that sent nothing')
      // Otherwise the peer closed or went away; its next message opens a new stream.
      if (stream.status === 'open') stream.abort(err as Error)
    } finally {
      idle.clear()
      this.inbound.delete(stream)
    }
  }
}

/** Wire bytes of messages sent, while the message object lives (see Libp2pConsensusTransport.encode). */
const encoded = new WeakMap<ConsensusMessage, Uint8Array>()

/** Aborts its signal once the stream has delivered no bytes for `ms`. */
class IdleDeadline {
  private readonly controller = new AbortController()
  private lastBytesAt = Date.now()
  private timer: ReturnType<typeof setTimeout> | null = null
  private readonly onBytes = (): void => {
    this.lastBytesAt = Date.now()
  }

  constructor(
    private readonly stream: Stream,
    readonly ms: number,
  ) {
    stream.addEventListener('message', this.onBytes)
    this.schedule(ms)
  }

  get signal(): AbortSignal {
    return this.controller.signal
  }

  get expired(): boolean {
    return this.controller.signal.aborted
  }

  clear(): void {
    if (this.timer != null) clearTimeout(this.timer)
    this.timer = null
    this.stream.removeEventListener('message', this.onBytes)
  }

  private schedule(after: number): void {
    this.timer = setTimeout(() => {
      const quiet = Date.now() - this.lastBytesAt
      if (quiet < this.ms) return this.schedule(this.ms - quiet)
      this.controller.abort(new Error(`no data for ${this.ms} ms`))
    }, after)
    this.timer.unref?.()
  }
}

/** One peer's outgoing stream and the messages waiting for it; written by one loop at a time. */
class Outbox {
  private readonly queue: Uint8Array[] = []
  private queuedBytes = 0
  private writing = false
  private lp: LengthPrefixedStream<Stream> | null = null
  private closed = false

  constructor(
    private readonly peer: string,
    private readonly parts: ConsensusTransportParts,
    private readonly counters: ConsensusTransportCounters,
    private readonly onIdle: () => void,
  ) {}

  push(bytes: Uint8Array): void {
    if (this.queue.length >= MAX_OUTBOX_MESSAGES || this.queuedBytes + bytes.length > MAX_OUTBOX_BYTES) {
      this.counters.dropped++
      return
    }
    this.queue.push(bytes)
    this.queuedBytes += bytes.length
    if (!this.writing) void this.drain()
  }

  close(): void {
    this.closed = true
    this.queue.length = 0
    this.lp?.unwrap().abort(new Error('consensus transport stopped'))
    this.lp = null
  }

  private async drain(): Promise<void> {
    this.writing = true
    try {
      while (this.queue.length > 0 && !this.closed) {
        const lp = this.lp ?? (this.lp = await this.open())
        const next = this.queue.shift() as Uint8Array
        this.queuedBytes -= next.length
        await lp.write(next)
        this.counters.sent++
      }
    } catch (err) {
      // Whatever was queued is dropped with the stream; gossip and sync resend what still matters.
      this.counters.dropped += this.queue.length + 1
      this.queue.length = 0
      this.queuedBytes = 0
      this.lp?.unwrap().abort(err as Error)
      this.lp = null
      this.parts.log.debug({ peer: this.peer, err: (err as Error).message }, 'consensus stream failed')
      this.onIdle()
    } finally {
      this.writing = false
    }
  }

  private async open(): Promise<LengthPrefixedStream<Stream>> {
    const connection = this.parts.libp2p
      .getConnections(peerIdFromString(this.peer))
      .find((c) => c.status === 'open' && c.limits == null)
    if (connection == null) throw new Error(`no direct connection to ${this.peer}`)
    const stream = await connection.newStream(CONSENSUS_PROTOCOL, {
      signal: AbortSignal.timeout(OPEN_TIMEOUT_MS),
    })
    return lpStream(stream, READ_LIMITS)
  }
}

/**
 * `/hypermesh/consensus/1.0.0`: consensus messages between members of one network, over the node's STOQ
 * connections. Each direction of each peer pair uses one long-lived stream of length-prefixed JSON, every
 * message read through the ConsensusMessage schema. Only members of the active network may open one.
 *
 * Sends never wait: each peer has a bounded outbox, and what does not fit is dropped. Consensus does not
 * depend on any single message arriving, because the driver gossips everything it knows every 200 ms and
 * blocks come back through sync; a slow peer must not stall the node or grow its memory.
 */
import { lpStream, type LengthPrefixedStream } from '@libp2p/utils'
import type { Connection, Libp2p, Stream } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import type { Logger } from 'pino'
import type { ConsensusTransport } from '../driver'
import { ConsensusMessage } from '../messages'

export const CONSENSUS_PROTOCOL = '/hypermesh/consensus/1.0.0'
/** A sync response of 32 full blocks fits; anything larger is refused before it is buffered whole. */
export const MAX_CONSENSUS_MESSAGE_BYTES = 64 * 1024 * 1024
/** Messages waiting for one peer; beyond this they are dropped (gossip repeats them). */
const MAX_OUTBOX_MESSAGES = 512
const MAX_OUTBOX_BYTES = 96 * 1024 * 1024
const OPEN_TIMEOUT_MS = 10_000

export interface ConsensusTransportParts {
  libp2p: Libp2p
  log: Logger
  /** Peers of the active network now; messages go to these and come only from these. */
  members(): string[]
  isMember(peer: string): boolean
}

export interface ConsensusTransportCounters {
  sent: number
  received: number
  dropped: number
  refused: number
}

export class Libp2pConsensusTransport implements ConsensusTransport {
  readonly counters: ConsensusTransportCounters = { sent: 0, received: 0, dropped: 0, refused: 0 }
  private readonly outboxes = new Map<string, Outbox>()
  private readonly inbound = new Set<Stream>()
  private receiver: ((from: string, message: ConsensusMessage) => void) | null = null
  private stopped = false

  constructor(private readonly parts: ConsensusTransportParts) {}

  async start(receive: (from: string, message: ConsensusMessage) => void): Promise<void> {
    this.receiver = receive
    await this.parts.libp2p.handle(
      CONSENSUS_PROTOCOL,
      (stream, connection) => void this.readFrom(stream, connection),
      { maxInboundStreams: 2, maxOutboundStreams: 2 },
    )
  }

  async stop(): Promise<void> {
    this.stopped = true
    this.receiver = null
    for (const outbox of this.outboxes.values()) outbox.close()
    this.outboxes.clear()
    // Peers' streams to this transport end too, so that their next message opens a stream to whatever
    // handles the protocol next (the same chain reopened when this node's role changed).
    for (const stream of this.inbound) stream.abort(new Error('consensus transport stopped'))
    this.inbound.clear()
    await Promise.resolve(this.parts.libp2p.unhandle(CONSENSUS_PROTOCOL)).catch(() => {})
  }

  broadcast(message: ConsensusMessage): void {
    const bytes = encode(message)
    for (const peer of this.parts.members()) this.enqueue(peer, bytes)
  }

  send(peer: string, message: ConsensusMessage): void {
    if (this.parts.isMember(peer)) this.enqueue(peer, encode(message))
  }

  private enqueue(peer: string, bytes: Uint8Array): void {
    if (this.stopped) return
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
    const lp = lpStream(stream, { maxDataLength: MAX_CONSENSUS_MESSAGE_BYTES })
    this.inbound.add(stream)
    try {
      for (;;) {
        const frame = await lp.read()
        const message = decode(frame.subarray())
        if (message == null) {
          this.counters.refused++
          this.parts.log.warn({ peer }, 'refused a malformed consensus message; closing the stream')
          stream.abort(new Error('malformed consensus message'))
          return
        }
        this.counters.received++
        this.receiver?.(peer, message)
      }
    } catch (err) {
      // The peer closed or went away; its next message opens a new stream.
      if (stream.status === 'open') stream.abort(err as Error)
    } finally {
      this.inbound.delete(stream)
    }
  }
}

const encode = (message: ConsensusMessage): Uint8Array => new TextEncoder().encode(JSON.stringify(message))

function decode(bytes: Uint8Array): ConsensusMessage | null {
  let json: unknown
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes))
  } catch {
    return null
  }
  const parsed = ConsensusMessage.safeParse(json)
  return parsed.success ? parsed.data : null
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
    return lpStream(stream, { maxDataLength: MAX_CONSENSUS_MESSAGE_BYTES })
  }
}

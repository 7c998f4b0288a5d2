/**
 * STOQ over a transport that secures and multiplexes by itself (QUIC, WebRTC): such a transport hands
 * libp2p's upgrader a connection that is already encrypted, by a classical handshake only, with the
 * transport's own streams. Those streams alone would not be post-quantum.
 *
 * So a STOQ connection over such a transport opens exactly one of the transport's streams, the pipe, and
 * hands it to the upgrader as if it were a TCP socket: multistream-select picks `/stoq/1.0.0`, the STOQ
 * handshake runs (checking that the peer is the one the transport's handshake authenticated), and yamux
 * multiplexes application streams inside it.
 *
 * A plain libp2p peer of the same transport is refused both ways: it never offers `/stoq/1.0.0` on a pipe,
 * and the first stream it opens to us is taken as one.
 */
import { serviceCapabilities, transportSymbol } from '@libp2p/interface'
import type {
  AbortOptions,
  Connection,
  CreateListenerOptions,
  DialTransportOptions,
  Listener,
  MultiaddrConnection,
  PeerId,
  Startable,
  Stream,
  StreamMuxer,
  StreamMuxerFactory,
  Transport,
  Upgrader,
} from '@libp2p/interface'
import { CODE_P2P, type Multiaddr } from '@multiformats/multiaddr'
import { AbstractMultiaddrConnection, type SendResult } from '@libp2p/utils'
import type { Uint8ArrayList } from 'uint8arraylist'

/** How long a dial may take to open its pipe when the dialer gave no deadline of its own. */
export const PIPE_TIMEOUT_MS = 10_000

/** One stream of the underlying connection, presented as a connection for the upgrader to secure. */
export class StoqPipe extends AbstractMultiaddrConnection {
  constructor(
    private readonly stream: Stream,
    private readonly carrier: MultiaddrConnection,
    remoteAddr: Multiaddr,
  ) {
    super({ remoteAddr, direction: carrier.direction, log: carrier.log.newScope('stoq-pipe') })
    stream.addEventListener('message', (event) => this.onData(event.data))
    stream.addEventListener('drain', () => this.safeDispatchEvent('drain'))
    stream.addEventListener('remoteCloseWrite', () => this.onRemoteCloseWrite())
    stream.addEventListener('close', (event) => {
      if (event.error == null) this.onTransportClosed()
      else if (event.local === true) this.abort(event.error)
      else this.onRemoteReset()
    })
    // The carrier connection holds nothing else: when either ends, both do.
    carrier.addEventListener('close', () => this.onTransportClosed())
    this.addEventListener('close', () => carrier.abort(new Error('the STOQ pipe closed')))
  }

  sendData(data: Uint8ArrayList): SendResult {
    return { sentBytes: data.byteLength, canSendMore: this.stream.send(data) }
  }

  sendReset(err: Error): void {
    this.stream.abort(err)
  }

  sendPause(): void {
    this.stream.pause()
  }

  sendResume(): void {
    this.stream.resume()
  }

  async sendClose(options?: AbortOptions): Promise<void> {
    await this.stream.close(options)
  }
}

/** The stream the pipe uses: the dialer opens it, the listener takes the first one the dialer opens. */
function openPipeStream(
  muxer: StreamMuxer,
  direction: 'inbound' | 'outbound',
  signal: AbortSignal,
): Promise<Stream> {
  if (direction === 'outbound') return muxer.createStream({ signal })
  return new Promise((resolve, reject) => {
    const onStream = (event: CustomEvent<Stream>): void => {
      muxer.removeEventListener('stream', onStream)
      // Any further stream from the peer is outside STOQ: refuse it.
      muxer.addEventListener('stream', (extra) =>
        extra.detail.abort(new Error('only the STOQ pipe may open')),
      )
      resolve(event.detail)
    }
    muxer.addEventListener('stream', onStream)
    signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true })
  })
}

/** What a transport passes its upgrader along with the connection it made. */
interface CarrierUpgradeOptions {
  muxerFactory?: StreamMuxerFactory
  remotePeer?: PeerId
  signal?: AbortSignal
}

/**
 * The pipe's address: the carrier's, ending in the peer id that the carrier's handshake authenticated, so
 * that the upgrader hands STOQ that identity to hold the peer to (STOQ refuses any other, both ways).
 */
export function pipeAddress(
  carrier: Pick<MultiaddrConnection, 'remoteAddr'>,
  remotePeer: PeerId | undefined,
): Multiaddr {
  const address = carrier.remoteAddr
  const named = address.getComponents().findLast((c) => c.code === CODE_P2P)?.value
  if (remotePeer == null || named === remotePeer.toString()) return address
  if (named != null) throw new Error(`the carrier authenticated ${remotePeer.toString()}, not ${named}`)
  return address.encapsulate(`/p2p/${remotePeer.toString()}`)
}

/** Opens the pipe on a connection the carrier transport has made; `signal` bounds the wait. */
async function pipeOf(
  carrier: MultiaddrConnection,
  options: CarrierUpgradeOptions,
  signal: AbortSignal,
  transportName: string,
): Promise<StoqPipe> {
  if (options.muxerFactory == null)
    throw new Error(`${transportName} gave no stream muxer: review app/stoq/pipe.ts for its new version`)
  const address = pipeAddress(carrier, options.remotePeer)
  const muxer = options.muxerFactory.createStreamMuxer(carrier)
  const stream = await openPipeStream(muxer, carrier.direction, signal)
  return new StoqPipe(stream, carrier, address)
}

/** The upgrader the carrier transport is given: it upgrades the pipe, with STOQ and yamux, instead. */
function pipeUpgrader(upgrader: Upgrader, transportName: string): Upgrader {
  return {
    createInboundAbortSignal: (signal) => upgrader.createInboundAbortSignal(signal),
    getStreamMuxers: () => upgrader.getStreamMuxers(),
    getConnectionEncrypters: () => upgrader.getConnectionEncrypters(),
    async upgradeOutbound(carrier: MultiaddrConnection, options: CarrierUpgradeOptions): Promise<Connection> {
      const signal = options.signal ?? AbortSignal.timeout(PIPE_TIMEOUT_MS)
      const pipe = await pipeOf(carrier, options, signal, transportName)
      return upgrader.upgradeOutbound(pipe, { signal })
    },
    async upgradeInbound(carrier: MultiaddrConnection, options: CarrierUpgradeOptions): Promise<void> {
      // The node's inbound upgrade timeout covers the wait for the pipe as well as the handshake.
      const signal = upgrader.createInboundAbortSignal(options.signal ?? AbortSignal.timeout(PIPE_TIMEOUT_MS))
      const pipe = await pipeOf(carrier, options, signal, transportName)
      await upgrader.upgradeInbound(pipe, { signal })
    },
  }
}

/**
 * A libp2p transport: the carrier underneath, a STOQ connection on top. It is the carrier transport with
 * one change: the upgrader it is given upgrades the pipe instead.
 */
class StoqPipeTransport implements Transport, Startable {
  readonly [transportSymbol] = true
  readonly [serviceCapabilities] = ['@libp2p/transport']
  readonly listenFilter: Transport['listenFilter']
  readonly dialFilter: Transport['dialFilter']

  constructor(
    private readonly carrier: Transport & Partial<Startable>,
    private readonly name: string,
  ) {
    this.listenFilter = (addrs) => carrier.listenFilter(addrs)
    this.dialFilter = (addrs) => carrier.dialFilter(addrs)
  }

  get [Symbol.toStringTag](): string {
    return `@hypermesh/stoq-over-${this.name}`
  }

  async start(): Promise<void> {
    await this.carrier.start?.()
  }

  async stop(): Promise<void> {
    await this.carrier.stop?.()
  }

  dial(ma: Multiaddr, options: DialTransportOptions): Promise<Connection> {
    return this.carrier.dial(ma, { ...options, upgrader: pipeUpgrader(options.upgrader, this.name) })
  }

  createListener(options: CreateListenerOptions): Listener {
    return this.carrier.createListener({ ...options, upgrader: pipeUpgrader(options.upgrader, this.name) })
  }
}

/** Wraps a libp2p transport factory so that each of its connections carries STOQ on one pipe. */
export function stoqOverCarrier<Components>(
  name: string,
  makeCarrier: (components: Components) => Transport,
): (components: Components) => Transport {
  return (components) => new StoqPipeTransport(makeCarrier(components), name)
}

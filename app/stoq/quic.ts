/**
 * STOQ over QUIC: QUIC (@chainsafe/libp2p-quic, quinn with TLS 1.3) carries the connection, and STOQ's
 * hybrid post-quantum handshake and framing still secure everything on it.
 *
 * QUIC's own TLS handshake is classical (X25519 with an Ed25519 libp2p certificate), so QUIC streams
 * alone would not be post-quantum. So a STOQ-over-QUIC connection opens exactly one QUIC stream, the pipe,
 * and hands it to libp2p's upgrader as if it were a TCP socket: multistream-select picks `/stoq/1.0.0`,
 * the STOQ handshake runs (checking that the peer is the one QUIC's TLS authenticated), and yamux
 * multiplexes application streams inside it. What QUIC adds is the UDP path: its congestion control,
 * connection ids that survive NAT rebinding, and no TCP head-of-line stall between the link and STOQ.
 *
 * A plain libp2p QUIC peer is refused both ways: it never offers `/stoq/1.0.0` on a pipe, and the first
 * stream it opens to us is not one.
 */
import { quic, type QuicComponents, type QuicOptions } from '@chainsafe/libp2p-quic'
import { serviceCapabilities, transportSymbol } from '@libp2p/interface'
import type {
  AbortOptions,
  Connection,
  CreateListenerOptions,
  DialTransportOptions,
  Listener,
  MultiaddrConnection,
  Startable,
  Stream,
  StreamMuxer,
  StreamMuxerFactory,
  Transport,
  Upgrader,
} from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import { AbstractMultiaddrConnection, type SendResult } from '@libp2p/utils'
import type { Uint8ArrayList } from 'uint8arraylist'

/** How long a dial may take to open its pipe when the dialer gave no deadline of its own. */
export const PIPE_TIMEOUT_MS = 10_000

/** One QUIC stream presented as a connection, so that the upgrader can run STOQ and yamux over it. */
export class QuicPipe extends AbstractMultiaddrConnection {
  constructor(
    private readonly stream: Stream,
    private readonly quicConnection: MultiaddrConnection,
  ) {
    super({
      remoteAddr: quicConnection.remoteAddr,
      direction: quicConnection.direction,
      log: quicConnection.log.newScope('stoq-pipe'),
    })
    stream.addEventListener('message', (event) => this.onData(event.data))
    stream.addEventListener('drain', () => this.safeDispatchEvent('drain'))
    stream.addEventListener('remoteCloseWrite', () => this.onRemoteCloseWrite())
    stream.addEventListener('close', (event) => {
      if (event.error == null) this.onTransportClosed()
      else if (event.local === true) this.abort(event.error)
      else this.onRemoteReset()
    })
    // The QUIC connection carries nothing else: when either ends, both do.
    quicConnection.addEventListener('close', () => this.onTransportClosed())
    this.addEventListener('close', () => quicConnection.abort(new Error('the STOQ pipe closed')))
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

/** The QUIC streams of a connection: the one the pipe uses, opened or accepted. */
function openPipe(
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

interface QuicUpgradeOptions {
  muxerFactory?: StreamMuxerFactory
  signal?: AbortSignal
}

/** Opens the pipe on a QUIC connection that libp2p-quic has made; `signal` bounds the wait. */
async function pipeOf(
  maConn: MultiaddrConnection,
  options: QuicUpgradeOptions,
  signal: AbortSignal,
): Promise<QuicPipe> {
  if (options.muxerFactory == null)
    throw new Error('libp2p-quic gave no stream muxer: review app/stoq/quic.ts')
  const muxer = options.muxerFactory.createStreamMuxer(maConn)
  const stream = await openPipe(muxer, maConn.direction, signal)
  return new QuicPipe(stream, maConn)
}

/** The upgrader libp2p-quic is given: it upgrades the pipe, with encryption and a muxer, instead. */
function pipeUpgrader(upgrader: Upgrader): Upgrader {
  return {
    createInboundAbortSignal: (signal) => upgrader.createInboundAbortSignal(signal),
    getStreamMuxers: () => upgrader.getStreamMuxers(),
    getConnectionEncrypters: () => upgrader.getConnectionEncrypters(),
    async upgradeOutbound(maConn: MultiaddrConnection, options: QuicUpgradeOptions): Promise<Connection> {
      const signal = options.signal ?? AbortSignal.timeout(PIPE_TIMEOUT_MS)
      const pipe = await pipeOf(maConn, options, signal)
      // The pipe's address ends in the peer id QUIC's TLS authenticated; the upgrader hands it to STOQ, which
      // refuses a handshake from any other identity (both directions).
      return upgrader.upgradeOutbound(pipe, { signal })
    },
    async upgradeInbound(maConn: MultiaddrConnection, options: QuicUpgradeOptions): Promise<void> {
      // The node's inbound upgrade timeout covers the wait for the pipe as well as the handshake.
      const signal = upgrader.createInboundAbortSignal(options.signal ?? AbortSignal.timeout(PIPE_TIMEOUT_MS))
      const pipe = await pipeOf(maConn, options, signal)
      await upgrader.upgradeInbound(pipe, { signal })
    },
  }
}

/**
 * A libp2p transport: QUIC underneath, a STOQ connection on top. Listen on `/ip4/…/udp/PORT/quic-v1`.
 * It is libp2p-quic's transport with one change: the upgrader it is given upgrades the pipe instead.
 */
class StoqOverQuicTransport implements Transport, Startable {
  readonly [Symbol.toStringTag] = '@hypermesh/stoq-over-quic'
  readonly [transportSymbol] = true
  readonly [serviceCapabilities] = ['@libp2p/transport']
  readonly listenFilter: Transport['listenFilter']
  readonly dialFilter: Transport['dialFilter']

  constructor(private readonly quicTransport: Transport & Partial<Startable>) {
    this.listenFilter = (addrs) => quicTransport.listenFilter(addrs)
    this.dialFilter = (addrs) => quicTransport.dialFilter(addrs)
  }

  async start(): Promise<void> {
    await this.quicTransport.start?.()
  }

  async stop(): Promise<void> {
    await this.quicTransport.stop?.()
  }

  dial(ma: Multiaddr, options: DialTransportOptions): Promise<Connection> {
    return this.quicTransport.dial(ma, { ...options, upgrader: pipeUpgrader(options.upgrader) })
  }

  createListener(options: CreateListenerOptions): Listener {
    return this.quicTransport.createListener({ ...options, upgrader: pipeUpgrader(options.upgrader) })
  }
}

export function stoqOverQuic(options: Partial<QuicOptions> = {}): (components: QuicComponents) => Transport {
  const makeQuic = quic(options)
  return (components) => new StoqOverQuicTransport(makeQuic(components))
}

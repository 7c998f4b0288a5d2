/**
 * The STOQ connection encrypter for libp2p: protocol `/stoq/1.0.0`, the hybrid post-quantum handshake of
 * handshake/xxhfs.ts, then the framed transport of secure-stream.ts.
 */
import { lpStream } from '@libp2p/utils'
import { peerIdFromPublicKey } from '@libp2p/peer-id'
import { InvalidCryptoExchangeError, serviceCapabilities, UnexpectedPeerError } from '@libp2p/interface'
import type {
  ComponentLogger,
  ConnectionEncrypter,
  MessageStream,
  PrivateKey,
  SecureConnectionOptions,
  SecuredConnection,
  StreamMuxerFactory,
  Upgrader,
} from '@libp2p/interface'
import {
  generateX25519,
  HandshakeError,
  InitiatorHandshake,
  UnexpectedRemotePeerError,
  ResponderHandshake,
  STOQ_NOISE_PROTOCOL,
  type HandshakeResult,
  type LocalKeys,
} from './handshake/xxhfs'
import { FrameCipher, SecureMessageStream } from './secure-stream'
import { defaultCrypto } from './crypto/default'
import type { FrameCipherName, StoqCrypto, X25519KeyPair } from './crypto/types'
import { inlineFalconSigner, type FalconKeyPair, type FalconSigner } from './handshake/falcon-signer'
import { HandshakeCryptoError } from './handshake/symmetric-state'
import { createStoqMetrics, type StoqMetrics } from './metrics'
import { checkBoundFalconKey, type PeerKeyDirectory } from './peer-keys'

export const STOQ_PROTOCOL = '/stoq/1.0.0'
/** Largest handshake message (Noise's 65535-byte limit). */
export const MAX_HANDSHAKE_MESSAGE = 65535
export const DEFAULT_HANDSHAKE_TIMEOUT_MS = 10_000

export interface StoqInit {
  /** The node's FALCON-1024 key pair, bound into every handshake. */
  falcon: FalconKeyPair
  /**
   * Where the handshake's FALCON work runs: the node passes worker threads (app/node/workers); by default
   * it runs inline, with the key pair above.
   */
  falconSigner?: FalconSigner
  /** A handshake that takes longer is abandoned (ms). */
  handshakeTimeoutMs?: number
  /** Where handshake and traffic counts go (the node's metrics). */
  metrics?: StoqMetrics
  /** The primitives: node:crypto by default; `nobleCrypto` where there is no node:crypto (browsers). */
  crypto?: StoqCrypto
  /** Frame ciphers to offer, preferred first; by default every one the primitives have, fastest first. */
  frameCiphers?: readonly FrameCipherName[]
  /**
   * Peers' bound FALCON keys: a peer whose handshake proves another key than the one bound to its peer id
   * is refused, and every peer that completes a handshake is reported as speaking STOQ.
   */
  peerKeys?: PeerKeyDirectory
}

export interface StoqComponents {
  privateKey: PrivateKey
  logger: ComponentLogger
  upgrader: Upgrader
}

/** What the remote proved in the handshake, beyond its peer id. */
export interface StoqExtensions {
  falconPublicKey: Uint8Array
  suite: string
  /** The AEAD the connection's frames use. */
  frameCipher: FrameCipherName
}

const u16Encode = (n: number): Uint8Array => Uint8Array.of(n >> 8, n & 0xff)
u16Encode.bytes = 2
const u16Decode = (data: { byteLength: number; get(i: number): number } | Uint8Array): number => {
  if (data.byteLength < 2) throw new RangeError('need 2 bytes for the length')
  return data instanceof Uint8Array
    ? ((data[0] as number) << 8) | (data[1] as number)
    : (data.get(0) << 8) | data.get(1)
}
u16Decode.bytes = 2

class StoqEncrypter implements ConnectionEncrypter<StoqExtensions> {
  readonly protocol = STOQ_PROTOCOL
  readonly [Symbol.toStringTag] = 'hypermesh/stoq'
  readonly [serviceCapabilities] = ['@libp2p/connection-encryption', 'hypermesh/stoq']
  private readonly crypto: StoqCrypto
  private readonly staticKey: X25519KeyPair
  private readonly falcon: FalconSigner
  private readonly prologue = new TextEncoder().encode(`${STOQ_PROTOCOL} ${STOQ_NOISE_PROTOCOL}`)
  readonly metrics: StoqMetrics

  constructor(
    private readonly components: StoqComponents,
    private readonly init: StoqInit,
  ) {
    this.metrics = init.metrics ?? createStoqMetrics()
    this.crypto = init.crypto ?? defaultCrypto
    this.staticKey = generateX25519(this.crypto)
    this.falcon = init.falconSigner ?? inlineFalconSigner(init.falcon)
  }

  secureOutbound(
    connection: MessageStream,
    options?: SecureConnectionOptions,
  ): Promise<SecuredConnection<StoqExtensions>> {
    return this.secure(connection, 'initiator', options)
  }

  secureInbound(
    connection: MessageStream,
    options?: SecureConnectionOptions,
  ): Promise<SecuredConnection<StoqExtensions>> {
    return this.secure(connection, 'responder', options)
  }

  private async secure(
    connection: MessageStream,
    role: 'initiator' | 'responder',
    options?: SecureConnectionOptions,
  ): Promise<SecuredConnection<StoqExtensions>> {
    const started = performance.now()
    const timeout = AbortSignal.timeout(this.init.handshakeTimeoutMs ?? DEFAULT_HANDSHAKE_TIMEOUT_MS)
    const signal = options?.signal == null ? timeout : AbortSignal.any([options.signal, timeout])
    const lp = lpStream(connection, {
      lengthEncoder: u16Encode,
      lengthDecoder: u16Decode,
      maxDataLength: MAX_HANDSHAKE_MESSAGE,
    })
    const keys: LocalKeys = {
      identity: this.components.privateKey,
      staticKey: this.staticKey,
      crypto: this.crypto,
      frameCiphers: this.init.frameCiphers,
      falcon: this.falcon,
      streamMuxers:
        options?.skipStreamMuxerNegotiation === true
          ? []
          : [...this.components.upgrader.getStreamMuxers().keys()],
    }
    const expected = options?.remotePeer?.publicKey
    let result: HandshakeResult
    try {
      if (role === 'initiator') {
        const hs = new InitiatorHandshake(keys, this.prologue, expected)
        await lp.write(hs.writeMessage1(), { signal })
        await hs.readMessage2((await lp.read({ signal })).subarray())
        await lp.write(await hs.writeMessage3(), { signal })
        await hs.readMessage4((await lp.read({ signal })).subarray())
        result = hs.result()
      } else {
        const hs = new ResponderHandshake(keys, this.prologue, expected)
        hs.readMessage1((await lp.read({ signal })).subarray())
        await lp.write(await hs.writeMessage2(), { signal })
        await hs.readMessage3((await lp.read({ signal })).subarray())
        await lp.write(await hs.writeMessage4(), { signal })
        result = hs.result()
      }
    } catch (err) {
      this.metrics.handshakeFailed(role, err as Error)
      if (err instanceof UnexpectedRemotePeerError)
        throw new UnexpectedPeerError(`STOQ handshake refused: ${err.message}`)
      // A message that fails to decrypt (tampered, replayed, wrong prologue) is a refusal like any other.
      if (err instanceof HandshakeError || err instanceof HandshakeCryptoError) {
        throw new InvalidCryptoExchangeError(`STOQ handshake refused: ${err.message}`)
      }
      throw err
    }
    const remotePeer = peerIdFromPublicKey(result.remote.identityKey)
    try {
      checkBoundFalconKey(this.init.peerKeys, remotePeer.toString(), result.remote.falconPublicKey)
    } catch (err) {
      this.metrics.handshakeFailed(role, err as Error)
      throw new InvalidCryptoExchangeError(`STOQ handshake refused: ${(err as Error).message}`)
    }
    this.init.peerKeys?.provedFalconKey(remotePeer.toString(), result.remote.falconPublicKey)
    this.metrics.handshakeSucceeded(role, performance.now() - started)
    const secured = new SecureMessageStream(
      lp.unwrap(),
      new FrameCipher(result.sendKey, this.crypto, result.frameCipher),
      new FrameCipher(result.receiveKey, this.crypto, result.frameCipher),
      this.metrics.trackConnection(remotePeer.toString()),
    )
    return {
      connection: secured,
      remotePeer,
      remoteExtensions: {
        falconPublicKey: result.remote.falconPublicKey,
        suite: STOQ_NOISE_PROTOCOL,
        frameCipher: result.frameCipher,
      },
      streamMuxer: this.chooseMuxer(role, keys.streamMuxers, result.remote.streamMuxers),
    }
  }

  /** Both sides pick the initiator's first choice that the responder also speaks, so they agree. */
  private chooseMuxer(
    role: 'initiator' | 'responder',
    ours: string[],
    theirs: string[],
  ): StreamMuxerFactory | undefined {
    if (ours.length === 0 || theirs.length === 0) return undefined
    const [initiatorList, responderList] = role === 'initiator' ? [ours, theirs] : [theirs, ours]
    const chosen = initiatorList.find((m) => responderList.includes(m))
    if (chosen == null) throw new InvalidCryptoExchangeError('the peers have no stream muxer in common')
    return this.components.upgrader.getStreamMuxers().get(chosen)
  }
}

/** Factory in the js-libp2p style: `connectionEncrypters: [stoq({ falcon })]`. */
export function stoq(init: StoqInit): (components: StoqComponents) => ConnectionEncrypter<StoqExtensions> {
  return (components) => new StoqEncrypter(components, init)
}

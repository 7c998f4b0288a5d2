/**
 * The encrypted connection after the handshake: frames of `u32 length ‖ AEAD(ciphertext ‖ tag)`, with the
 * AEAD the handshake negotiated (AES-256-GCM or ChaCha20-Poly1305), one key and nonce counter per
 * direction. Frames are larger than Noise's 64 KiB (up to {@link MAX_FRAME_PLAINTEXT}) so bulk data costs
 * fewer cipher calls and writes. Every {@link REKEY_INTERVAL_FRAMES} frames both ends replace the
 * direction's key, in step, so that no key protects more than AES-GCM's safe amount of data.
 */
import { AbstractMessageStream, LengthPrefixedDecoder, type SendResult } from '@libp2p/utils'
import type { AbortOptions, MessageStream } from '@libp2p/interface'
import { Uint8ArrayList } from 'uint8arraylist'
import { nonceBytes, TAGLEN } from './handshake/symmetric-state'
import { defaultCrypto } from './crypto/default'
import { StoqCryptoError, type FrameCipherName, type FrameSealer, type StoqCrypto } from './crypto/types'

export const MAX_FRAME_PLAINTEXT = 256 * 1024
export const MAX_FRAME_CIPHERTEXT = MAX_FRAME_PLAINTEXT + TAGLEN
/**
 * 2^20 frames of at most 256 KiB is 256 GiB per key: inside the 2^34.5 AES blocks (about 390 GB) that
 * TLS 1.3 allows one AES-GCM key (RFC 8446 §5.5) for a 2^-57 margin.
 */
export const REKEY_INTERVAL_FRAMES = 2 ** 20
/** As in Noise (§5.1), the counter's last value is never used: reaching it ends the connection. */
const MAX_FRAME_NONCE = 2n ** 64n - 1n
const REKEY_LABEL = new TextEncoder().encode('stoq-rekey')

export class FrameError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'FrameError'
  }
}

const u32 = (n: number): Uint8Array => {
  const out = new Uint8Array(4)
  new DataView(out.buffer).setUint32(0, n)
  return out
}

function readU32(data: Uint8ArrayList | Uint8Array): number {
  if (data.byteLength < 4) throw new RangeError('need 4 bytes for the frame length')
  return data instanceof Uint8Array
    ? new DataView(data.buffer, data.byteOffset, 4).getUint32(0)
    : data.getUint32(0)
}

/**
 * One direction of the transport: a key and a nonce counter that only moves forward. After every
 * `rekeyInterval` frames the key becomes HMAC-SHA-256(key, "stoq-rekey"); the counter goes on. A counter
 * that reaches 2^64 − 1 ends the connection instead of wrapping round to a nonce already used.
 */
export class FrameCipher {
  private n: bigint
  private key: Uint8Array
  private sealer: FrameSealer
  private readonly rekeyInterval: bigint
  constructor(
    key: Uint8Array,
    private readonly crypto: StoqCrypto = defaultCrypto,
    readonly cipher: FrameCipherName = 'chacha20-poly1305',
    rekeyInterval = REKEY_INTERVAL_FRAMES,
    /** Where the counter starts: 0 on every connection; tests start near the end of the nonce space. */
    firstNonce = 0n,
  ) {
    this.n = firstNonce
    this.key = key
    this.sealer = crypto.frameSealer(key, cipher)
    this.rekeyInterval = BigInt(rekeyInterval)
  }

  seal(plaintext: Uint8Array | Uint8ArrayList, out: Uint8ArrayList): void {
    // The nonce first: taking it may move this direction to its next key (and sealer), or end it.
    const nonce = this.nextNonce()
    out.append(u32(plaintext.byteLength + TAGLEN))
    const parts = plaintext instanceof Uint8Array ? [plaintext] : plaintext
    for (const part of this.sealer.seal(parts, nonce)) out.append(part)
  }

  /** Decrypts one frame. The plaintext comes back in parts, as it was received, without being copied together. */
  open(frame: Uint8ArrayList): Uint8ArrayList {
    if (frame.byteLength < TAGLEN) throw new FrameError('frame shorter than its authentication tag')
    const tag = frame.subarray(frame.byteLength - TAGLEN)
    const nonce = this.nextNonce()
    try {
      const parts = this.sealer.open(frame.sublist(0, frame.byteLength - TAGLEN), tag, nonce)
      return new Uint8ArrayList(...parts)
    } catch (err) {
      if (err instanceof StoqCryptoError) throw new FrameError(err.message)
      throw err
    }
  }

  /** The nonce for the next frame, after moving to the next key where an interval ends. */
  private nextNonce(): Uint8Array {
    if (this.n >= MAX_FRAME_NONCE) throw new FrameError('frame nonces exhausted: the connection must end')
    if (this.n > 0n && this.n % this.rekeyInterval === 0n) {
      this.key = this.crypto.hmacSha256(this.key, REKEY_LABEL)
      this.sealer = this.crypto.frameSealer(this.key, this.cipher)
    }
    return nonceBytes(this.n++)
  }
}

export interface SecureStreamCounters {
  onFrameSent?(bytes: number): void
  onFrameReceived?(bytes: number): void
  /** Called once when the connection ends. */
  close?(): void
}

export class SecureMessageStream extends AbstractMessageStream {
  private readonly decoder = new LengthPrefixedDecoder({
    lengthDecoder: readU32,
    encodingLength: () => 4,
    maxDataLength: MAX_FRAME_CIPHERTEXT,
    // The cap applies to one read before it is split into frames; reads of up to 16 MiB are legitimate
    // (a resumed stream hands over what it held). Each frame within is still capped at MAX_FRAME_CIPHERTEXT.
    maxBufferSize: 16 * 1024 * 1024 + MAX_FRAME_CIPHERTEXT,
  })

  constructor(
    private readonly inner: MessageStream,
    private readonly sender: FrameCipher,
    private readonly receiver: FrameCipher,
    /** The connection's traffic counters (read by ./link/tuner.ts through the muxer). */
    readonly counters: SecureStreamCounters = {},
  ) {
    super({
      log: inner.log,
      inactivityTimeout: inner.inactivityTimeout,
      maxReadBufferLength: inner.maxReadBufferLength,
      direction: inner.direction,
    })
    inner.addEventListener('message', (event) => {
      try {
        for (const frame of this.decoder.decode(event.data)) {
          this.counters.onFrameReceived?.(frame.byteLength)
          this.onData(this.receiver.open(frame))
        }
      } catch (err) {
        // Any bad frame ends the connection: after one, nothing that follows can be trusted.
        this.abort(err instanceof FrameError ? err : new FrameError((err as Error).message))
      }
    })
    inner.addEventListener('close', (event) => {
      if (event.error == null) this.onTransportClosed()
      else if (event.local === true) this.abort(event.error)
      else this.onRemoteReset()
    })
    inner.addEventListener('drain', () => this.safeDispatchEvent('drain'))
    inner.addEventListener('remoteCloseWrite', () => this.onRemoteCloseWrite())
    this.addEventListener('close', () => this.counters.close?.())
  }

  sendData(data: Uint8ArrayList): SendResult {
    const out = new Uint8ArrayList()
    for (let offset = 0; offset < data.byteLength; offset += MAX_FRAME_PLAINTEXT) {
      const end = Math.min(offset + MAX_FRAME_PLAINTEXT, data.byteLength)
      try {
        this.sender.seal(data.sublist(offset, end), out)
      } catch (err) {
        // Out of nonces: nothing more can be sent under this key, so the connection ends here.
        this.abort(err as Error)
        return { sentBytes: 0, canSendMore: false }
      }
      this.counters.onFrameSent?.(end - offset + TAGLEN)
    }
    return { sentBytes: data.byteLength, canSendMore: this.inner.send(out) }
  }

  sendReset(err: Error): void {
    this.inner.abort(err)
  }

  sendPause(): void {
    this.inner.pause()
  }

  sendResume(): void {
    this.inner.resume()
  }

  close(options?: AbortOptions): Promise<void> {
    return this.inner.close(options)
  }
}

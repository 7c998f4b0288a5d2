/**
 * The STOQ handshake: Noise XX with the hybrid-forward-secrecy modifier ("hfs", Noise HFS extension),
 * X25519 and ML-KEM-1024, ChaCha20-Poly1305, SHA-256, and a fourth message for the responder's FALCON
 * signature:
 *
 *   -> e, e1
 *   <- e, ee, ekem1, s, es       + payload(responder, no FALCON signature)
 *   -> s, se                     + payload(initiator, FALCON signature)
 *   <- FALCON signature(responder)
 *
 * Session keys depend on both the X25519 shared secrets and the ML-KEM shared secret (mixKey of each), so
 * they stay secret while either problem stays hard. Each payload carries the libp2p identity key with its
 * signature over the sender's static key; each side signs the transcript hash with its FALCON-1024 key:
 * key substitution, replay into another session and downgrade (the prologue names the protocol) fail.
 * The responder signs last, only for an initiator that has proved its own FALCON key over this session:
 * a stranger's message 1 costs it no signature with its long-term key. Neither side hands out keys before
 * its last message. docs/stoq.md walks through it message by message.
 */
import { concatBytes } from '@noble/hashes/utils.js'
import { defaultCrypto } from '../crypto/default'
import {
  chooseFrameCipher,
  StoqCryptoError,
  type FrameCipherName,
  type StoqCrypto,
  type X25519KeyPair,
} from '../crypto/types'
import { ml_kem1024 } from '@noble/post-quantum/ml-kem.js'
import { falcon1024 } from '@noble/post-quantum/falcon.js'
import { publicKeyFromProtobuf, publicKeyToProtobuf } from '@libp2p/crypto/keys'
import type { PrivateKey, PublicKey } from '@libp2p/interface'
import { HASHLEN, SymmetricState, TAGLEN } from './symmetric-state'
import type { FalconSigner } from './falcon-signer'
import { decodePayload, encodePayload, type HandshakePayload, type PayloadError } from './payload'

export const STOQ_NOISE_PROTOCOL = 'Noise_XXhfs_25519+MLKEM1024_ChaChaPoly_SHA256'
export const DH_LEN = 32
export const KEM_PUBLIC_KEY_LEN = ml_kem1024.lengths.publicKey as number
export const KEM_CIPHERTEXT_LEN = ml_kem1024.lengths.cipherText as number
export const FALCON_PUBLIC_KEY_LEN = falcon1024.lengths.publicKey as number
/** Message 1 is fixed: e ‖ e1 ‖ empty payload. */
export const MESSAGE1_LEN = DH_LEN + KEM_PUBLIC_KEY_LEN
/** The longest FALCON-1024 signature (compressed format); message 4 is one, encrypted. */
export const MAX_FALCON_SIGNATURE = 1462
const STATIC_KEY_PREFIX = new TextEncoder().encode('stoq-libp2p-static-key:')
const FALCON_PREFIX = new TextEncoder().encode('stoq-falcon-transcript:')

export class HandshakeError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'HandshakeError'
  }
}

/** The peer proved an identity other than the one we dialed. */
export class UnexpectedRemotePeerError extends HandshakeError {
  constructor() {
    super('the peer is not the one we dialed (its identity key differs)')
    this.name = 'UnexpectedRemotePeerError'
  }
}

export interface LocalKeys {
  /** libp2p identity (the peer id). */
  identity: PrivateKey
  /** This connection-encrypter's static X25519 key pair. */
  staticKey: X25519KeyPair
  /** Signs the transcript with this node's FALCON-1024 key, and checks the peer's signature. */
  falcon: FalconSigner
  streamMuxers: string[]
  /** The primitives to use: node:crypto by default, @noble where there is no node:crypto (browsers). */
  crypto?: StoqCrypto
  /** Frame ciphers to offer, preferred first: by default all the primitives have, fastest first. */
  frameCiphers?: readonly FrameCipherName[]
}

export interface RemoteIdentity {
  identityKey: PublicKey
  falconPublicKey: Uint8Array
  streamMuxers: string[]
  frameCiphers: string[]
}

export interface HandshakeResult {
  remote: RemoteIdentity
  /** Key for what this side sends, and for what it receives. */
  sendKey: Uint8Array
  receiveKey: Uint8Array
  handshakeHash: Uint8Array
  /** The AEAD of the connection's frames: the initiator's first choice that the responder offered. */
  frameCipher: FrameCipherName
}

// ---- X25519 with node:crypto (raw 32-byte public keys on the wire) ----
export type { X25519KeyPair }

export function generateX25519(crypto: StoqCrypto = defaultCrypto): X25519KeyPair {
  return crypto.x25519Keygen()
}

export function x25519FromSecret(secret: Uint8Array, crypto: StoqCrypto = defaultCrypto): X25519KeyPair {
  return { secretKey: secret, publicKey: crypto.x25519PublicKey(secret) }
}

function dh(crypto: StoqCrypto, local: X25519KeyPair, remotePublic: Uint8Array): Uint8Array {
  try {
    return crypto.x25519(local.secretKey, remotePublic)
  } catch (err) {
    if (!(err instanceof StoqCryptoError)) throw err
    // A low-order point gives an all-zero secret: refused rather than deriving keys from nothing.
    throw new HandshakeError(
      `the peer sent ${/low-order/.test(err.message) ? 'a low-order' : 'an invalid'} X25519 key`,
    )
  }
}

function expectLength(message: Uint8Array, expected: number, which: string): void {
  if (message.length < expected)
    throw new HandshakeError(`${which} is truncated (${message.length} of ${expected} bytes)`)
  if (message.length > expected)
    throw new HandshakeError(`${which} is too long (${message.length}, expected ${expected})`)
}

/** What a side signs with FALCON: the transcript hash so far, bound to its own identity key. */
const falconSigned = (transcript: Uint8Array, identityKey: Uint8Array): Uint8Array =>
  concatBytes(FALCON_PREFIX, transcript, identityKey)

/** The payload; with a FALCON signature over `transcript` when given (the initiator's, in message 3). */
async function buildPayload(keys: LocalKeys, transcript: Uint8Array | null): Promise<Uint8Array> {
  const identityKey = publicKeyToProtobuf(keys.identity.publicKey)
  const identitySig = await keys.identity.sign(concatBytes(STATIC_KEY_PREFIX, keys.staticKey.publicKey))
  const falconSig =
    transcript == null ? new Uint8Array(0) : await keys.falcon.sign(falconSigned(transcript, identityKey))
  return encodePayload({
    identityKey,
    identitySig,
    falconPublicKey: keys.falcon.publicKey,
    falconSig,
    streamMuxers: keys.streamMuxers,
    frameCiphers: [...offeredCiphers(keys)],
  })
}

/**
 * Checks a decrypted payload against the static key it arrived with, and its FALCON signature against
 * `transcript` where one must be there (message 3); message 2's payload must carry none.
 */
async function verifyPayload(
  bytes: Uint8Array,
  remoteStatic: Uint8Array,
  transcript: Uint8Array | null,
  expected: PublicKey | undefined,
  falcon: FalconSigner,
): Promise<RemoteIdentity & { identityKeyBytes: Uint8Array }> {
  let payload: HandshakePayload
  try {
    payload = decodePayload(bytes, {
      falconPublicKeyLength: FALCON_PUBLIC_KEY_LEN,
      falconSignature: transcript == null ? 'absent' : 'present',
    })
  } catch (err) {
    throw new HandshakeError((err as PayloadError).message)
  }
  let identityKey: PublicKey
  try {
    identityKey = publicKeyFromProtobuf(payload.identityKey)
  } catch {
    throw new HandshakeError('the peer sent an identity key that cannot be read')
  }
  if (expected != null && !expected.equals(identityKey)) {
    throw new UnexpectedRemotePeerError()
  }
  if (!(await identityKey.verify(concatBytes(STATIC_KEY_PREFIX, remoteStatic), payload.identitySig))) {
    throw new HandshakeError('the identity signature over the static key is invalid')
  }
  if (transcript != null) {
    const signed = falconSigned(transcript, payload.identityKey)
    if (!(await falcon.verify(payload.falconSig, signed, payload.falconPublicKey)))
      throw new HandshakeError('the FALCON-1024 signature over the handshake transcript is invalid')
  }
  return {
    identityKey,
    identityKeyBytes: new Uint8Array(payload.identityKey),
    falconPublicKey: new Uint8Array(payload.falconPublicKey),
    streamMuxers: payload.streamMuxers,
    frameCiphers: payload.frameCiphers,
  }
}

const offeredCiphers = (keys: LocalKeys): readonly FrameCipherName[] =>
  keys.frameCiphers ?? (keys.crypto ?? defaultCrypto).frameCiphers

/** Both ends take the initiator's first choice that the responder offers; no common one ends it here. */
function agreeOnCipher(initiator: readonly string[], responder: readonly string[]): FrameCipherName {
  const chosen = chooseFrameCipher(initiator, responder)
  if (chosen == null)
    throw new HandshakeError(
      `no frame cipher in common: the initiator offers ${initiator.join(', ') || 'none'}, ` +
        `the responder ${responder.join(', ') || 'none'}`,
    )
  return chosen
}

const payloadOverhead = TAGLEN

/**
 * What both sides start from: the primitives, the symmetric state with the prologue, an ephemeral key; and
 * the one way out, {@link result}, which gives keys only once the side's last message is done.
 */
abstract class HandshakeSide {
  protected readonly crypto: StoqCrypto
  protected readonly ss: SymmetricState
  protected readonly e: X25519KeyPair
  protected remote: (RemoteIdentity & { identityKeyBytes: Uint8Array }) | null = null
  protected frameCipher: FrameCipherName | null = null
  /** Set by the side's last step alone (reading or writing message 4). */
  private complete = false
  /** The initiator sends with the first key of the split, the responder with the second. */
  protected abstract readonly sendsFirstKey: boolean

  constructor(
    protected readonly keys: LocalKeys,
    prologue: Uint8Array,
    protected readonly expectedRemote?: PublicKey,
  ) {
    this.crypto = keys.crypto ?? defaultCrypto
    this.ss = new SymmetricState(STOQ_NOISE_PROTOCOL, this.crypto)
    this.e = generateX25519(this.crypto)
    this.ss.mixHash(prologue)
  }

  protected finish(): void {
    this.complete = true
  }

  protected get finished(): boolean {
    return this.complete
  }

  /** The session keys, this side's send key first; only after the handshake's last message. */
  result(): HandshakeResult {
    if (!this.complete || this.remote == null || this.frameCipher == null)
      throw new HandshakeError('handshake not complete')
    const [k1, k2] = this.ss.split()
    const { identityKeyBytes: _, ...remote } = this.remote
    return {
      remote,
      sendKey: this.sendsFirstKey ? k1 : k2,
      receiveKey: this.sendsFirstKey ? k2 : k1,
      handshakeHash: this.ss.handshakeHash(),
      frameCipher: this.frameCipher,
    }
  }
}

export class InitiatorHandshake extends HandshakeSide {
  private readonly e1 = ml_kem1024.keygen()
  private re: Uint8Array | null = null
  private sentMessage3 = false
  protected readonly sendsFirstKey = true

  /** -> e, e1 */
  writeMessage1(): Uint8Array {
    this.ss.mixHash(this.e.publicKey)
    const e1 = this.ss.encryptAndHash(this.e1.publicKey)
    const payload = this.ss.encryptAndHash(new Uint8Array(0))
    return concatBytes(this.e.publicKey, e1, payload)
  }

  /** <- e, ee, ekem1, s, es, payload */
  async readMessage2(message: Uint8Array): Promise<void> {
    const min = DH_LEN + KEM_CIPHERTEXT_LEN + TAGLEN + DH_LEN + TAGLEN + payloadOverhead
    if (message.length < min) throw new HandshakeError(`message 2 is truncated (${message.length} bytes)`)
    let offset = 0
    const next = (n: number): Uint8Array => message.subarray(offset, (offset += n))
    this.re = next(DH_LEN)
    this.ss.mixHash(this.re)
    this.ss.mixKey(dh(this.crypto, this.e, this.re))
    const ct = this.ss.decryptAndHash(next(KEM_CIPHERTEXT_LEN + TAGLEN))
    this.ss.mixKey(ml_kem1024.decapsulate(ct, this.e1.secretKey))
    const rs = this.ss.decryptAndHash(next(DH_LEN + TAGLEN))
    this.ss.mixKey(dh(this.crypto, this.e, rs))
    const payload = this.ss.decryptAndHash(message.subarray(offset))
    // No FALCON signature yet: the responder signs in message 4, once we have proved ours.
    this.remote = await verifyPayload(payload, rs, null, this.expectedRemote, this.keys.falcon)
    this.frameCipher = agreeOnCipher(offeredCiphers(this.keys), this.remote.frameCiphers)
  }

  /** -> s, se, payload */
  async writeMessage3(): Promise<Uint8Array> {
    if (this.re == null || this.remote == null || this.frameCipher == null)
      throw new HandshakeError('message 3 before message 2 was accepted')
    const s = this.ss.encryptAndHash(this.keys.staticKey.publicKey)
    this.ss.mixKey(dh(this.crypto, this.keys.staticKey, this.re))
    const payload = this.ss.encryptAndHash(await buildPayload(this.keys, this.ss.handshakeHash()))
    this.sentMessage3 = true
    return concatBytes(s, payload)
  }

  /** <- FALCON signature of the responder over the transcript so far, message 3 included */
  async readMessage4(message: Uint8Array): Promise<void> {
    if (!this.sentMessage3 || this.remote == null || this.finished)
      throw new HandshakeError('message 4 only once, after message 3 was sent')
    if (message.length <= TAGLEN) throw new HandshakeError(`message 4 is truncated (${message.length} bytes)`)
    if (message.length > TAGLEN + MAX_FALCON_SIGNATURE)
      throw new HandshakeError(`message 4 is too long (${message.length} bytes)`)
    const transcript = this.ss.handshakeHash()
    const signature = this.ss.decryptAndHash(message)
    const signed = falconSigned(transcript, this.remote.identityKeyBytes)
    if (!(await this.keys.falcon.verify(signature, signed, this.remote.falconPublicKey)))
      throw new HandshakeError('the FALCON-1024 signature over the handshake transcript is invalid')
    this.finish()
  }
}

/** The responder's side. */
export class ResponderHandshake extends HandshakeSide {
  private re: Uint8Array | null = null
  private re1: Uint8Array | null = null
  protected readonly sendsFirstKey = false

  /** -> e, e1 (read) */
  readMessage1(message: Uint8Array): void {
    expectLength(message, MESSAGE1_LEN, 'message 1')
    this.re = message.subarray(0, DH_LEN)
    this.ss.mixHash(this.re)
    this.re1 = this.ss.decryptAndHash(message.subarray(DH_LEN, MESSAGE1_LEN))
    this.ss.decryptAndHash(new Uint8Array(0))
  }

  /** <- e, ee, ekem1, s, es, payload (write) */
  async writeMessage2(): Promise<Uint8Array> {
    if (this.re == null || this.re1 == null) throw new HandshakeError('message 2 before message 1')
    this.ss.mixHash(this.e.publicKey)
    this.ss.mixKey(dh(this.crypto, this.e, this.re))
    let encapsulated: { cipherText: Uint8Array; sharedSecret: Uint8Array }
    try {
      encapsulated = ml_kem1024.encapsulate(this.re1)
    } catch {
      throw new HandshakeError('the peer sent an invalid ML-KEM-1024 public key')
    }
    const ct = this.ss.encryptAndHash(encapsulated.cipherText)
    this.ss.mixKey(encapsulated.sharedSecret)
    const s = this.ss.encryptAndHash(this.keys.staticKey.publicKey)
    this.ss.mixKey(dh(this.crypto, this.keys.staticKey, this.re))
    // No FALCON signature for a caller that has proved nothing yet: that waits for message 4.
    const payload = this.ss.encryptAndHash(await buildPayload(this.keys, null))
    return concatBytes(this.e.publicKey, ct, s, payload)
  }

  /** -> s, se, payload (read) */
  async readMessage3(message: Uint8Array): Promise<void> {
    if (message.length < DH_LEN + TAGLEN + payloadOverhead)
      throw new HandshakeError(`message 3 is truncated (${message.length} bytes)`)
    const rs = this.ss.decryptAndHash(message.subarray(0, DH_LEN + TAGLEN))
    this.ss.mixKey(dh(this.crypto, this.e, rs))
    const transcript = this.ss.handshakeHash()
    const payload = this.ss.decryptAndHash(message.subarray(DH_LEN + TAGLEN))
    this.remote = await verifyPayload(payload, rs, transcript, this.expectedRemote, this.keys.falcon)
    this.frameCipher = agreeOnCipher(this.remote.frameCiphers, offeredCiphers(this.keys))
  }

  /** <- the responder's FALCON signature over the transcript, for an initiator that has proved its own */
  async writeMessage4(): Promise<Uint8Array> {
    if (this.remote == null || this.frameCipher == null || this.finished)
      throw new HandshakeError('message 4 only once, after message 3 was accepted')
    const identityKey = publicKeyToProtobuf(this.keys.identity.publicKey)
    const signature = await this.keys.falcon.sign(falconSigned(this.ss.handshakeHash(), identityKey))
    const message = this.ss.encryptAndHash(signature)
    this.finish()
    return message
  }
}

export { HASHLEN }

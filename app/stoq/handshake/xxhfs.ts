/**
 * The STOQ handshake: Noise XX with the hybrid-forward-secrecy modifier ("hfs", Noise HFS extension),
 * X25519 and ML-KEM-1024, ChaCha20-Poly1305, SHA-256:
 *
 *   -> e, e1
 *   <- e, ee, ekem1, s, es       + payload(responder)
 *   -> s, se                     + payload(initiator)
 *
 * Session keys depend on both the X25519 shared secrets and the ML-KEM shared secret (mixKey of each), so
 * they stay secret while either problem stays hard. Each payload carries the libp2p identity key with its
 * signature over the sender's static key, and a FALCON-1024 signature over the transcript hash so far:
 * key substitution, replay into another session and downgrade (the prologue names the protocol) fail.
 * docs/stoq.md walks through it message by message.
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

async function buildPayload(keys: LocalKeys, transcript: Uint8Array): Promise<Uint8Array> {
  const identityKey = publicKeyToProtobuf(keys.identity.publicKey)
  const identitySig = await keys.identity.sign(concatBytes(STATIC_KEY_PREFIX, keys.staticKey.publicKey))
  const falconSig = await keys.falcon.sign(concatBytes(FALCON_PREFIX, transcript, identityKey))
  return encodePayload({
    identityKey,
    identitySig,
    falconPublicKey: keys.falcon.publicKey,
    falconSig,
    streamMuxers: keys.streamMuxers,
    frameCiphers: [...offeredCiphers(keys)],
  })
}

/** Checks a decrypted payload against the static key and transcript it arrived with. */
async function verifyPayload(
  bytes: Uint8Array,
  remoteStatic: Uint8Array,
  transcript: Uint8Array,
  expected: PublicKey | undefined,
  falcon: FalconSigner,
): Promise<RemoteIdentity> {
  let payload: HandshakePayload
  try {
    payload = decodePayload(bytes, { falconPublicKeyLength: FALCON_PUBLIC_KEY_LEN })
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
  const signed = concatBytes(FALCON_PREFIX, transcript, payload.identityKey)
  if (!(await falcon.verify(payload.falconSig, signed, payload.falconPublicKey)))
    throw new HandshakeError('the FALCON-1024 signature over the handshake transcript is invalid')
  return {
    identityKey,
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

/** The initiator's side, one method per handshake message. */
/** What both sides start from: the primitives, the symmetric state with the prologue, an ephemeral key. */
abstract class HandshakeSide {
  protected readonly crypto: StoqCrypto
  protected readonly ss: SymmetricState
  protected readonly e: X25519KeyPair
  protected remote: RemoteIdentity | null = null
  protected frameCipher: FrameCipherName | null = null

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
}

export class InitiatorHandshake extends HandshakeSide {
  private readonly e1 = ml_kem1024.keygen()
  private re: Uint8Array | null = null

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
    const transcript = this.ss.handshakeHash()
    const payload = this.ss.decryptAndHash(message.subarray(offset))
    this.remote = await verifyPayload(payload, rs, transcript, this.expectedRemote, this.keys.falcon)
    this.frameCipher = agreeOnCipher(offeredCiphers(this.keys), this.remote.frameCiphers)
  }

  /** -> s, se, payload */
  async writeMessage3(): Promise<Uint8Array> {
    if (this.re == null || this.remote == null)
      throw new HandshakeError('message 3 before message 2 was accepted')
    const s = this.ss.encryptAndHash(this.keys.staticKey.publicKey)
    this.ss.mixKey(dh(this.crypto, this.keys.staticKey, this.re))
    const payload = this.ss.encryptAndHash(await buildPayload(this.keys, this.ss.handshakeHash()))
    return concatBytes(s, payload)
  }

  result(): HandshakeResult {
    if (this.remote == null || this.frameCipher == null) throw new HandshakeError('handshake not complete')
    const [k1, k2] = this.ss.split()
    return {
      remote: this.remote,
      sendKey: k1,
      receiveKey: k2,
      handshakeHash: this.ss.handshakeHash(),
      frameCipher: this.frameCipher,
    }
  }
}

/** The responder's side. */
export class ResponderHandshake extends HandshakeSide {
  private re: Uint8Array | null = null
  private re1: Uint8Array | null = null

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
    const payload = this.ss.encryptAndHash(await buildPayload(this.keys, this.ss.handshakeHash()))
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

  result(): HandshakeResult {
    if (this.remote == null || this.frameCipher == null) throw new HandshakeError('handshake not complete')
    const [k1, k2] = this.ss.split()
    return {
      remote: this.remote,
      sendKey: k2,
      receiveKey: k1,
      handshakeHash: this.ss.handshakeHash(),
      frameCipher: this.frameCipher,
    }
  }
}

export { HASHLEN }

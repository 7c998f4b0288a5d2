/** STOQ's primitives from node:crypto (OpenSSL): what nodes use. */
import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  type KeyObject,
} from 'node:crypto'
import {
  isAllZero,
  StoqCryptoError,
  TAG_LENGTH,
  X25519_LENGTH,
  type FrameCipherName,
  type FrameSealer,
  type StoqCrypto,
} from './types'

const SPKI_X25519 = Buffer.from('302a300506032b656e032100', 'hex')
const PKCS8_X25519 = Buffer.from('302e020100300506032b656e04220420', 'hex')

const privateKeyOf = (secret: Uint8Array): KeyObject => {
  if (secret.length !== X25519_LENGTH) throw new StoqCryptoError('an X25519 secret key is 32 bytes')
  return createPrivateKey({ key: Buffer.concat([PKCS8_X25519, secret]), format: 'der', type: 'pkcs8' })
}
const rawPublic = (key: KeyObject): Uint8Array =>
  key.export({ format: 'der', type: 'spki' }).subarray(SPKI_X25519.length)

const chacha = (key: Uint8Array, nonce: Uint8Array) =>
  createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: TAG_LENGTH })
const unchacha = (key: Uint8Array, nonce: Uint8Array) =>
  createDecipheriv('chacha20-poly1305', key, nonce, { authTagLength: TAG_LENGTH })
// One OpenSSL name per frame cipher; both take a 32-byte key and a 12-byte nonce.
const encrypter = (cipher: FrameCipherName, key: Uint8Array, nonce: Uint8Array) =>
  cipher === 'aes-256-gcm'
    ? createCipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_LENGTH })
    : chacha(key, nonce)
const decrypter = (cipher: FrameCipherName, key: Uint8Array, nonce: Uint8Array) =>
  cipher === 'aes-256-gcm'
    ? createDecipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_LENGTH })
    : unchacha(key, nonce)

/** OpenSSL uses the CPU's AES instructions on these; elsewhere ChaCha20-Poly1305 is the faster one. */
const AES_FIRST = process.arch === 'x64' || process.arch === 'arm64'

export const nodeCrypto: StoqCrypto = {
  name: 'node:crypto',
  frameCiphers: AES_FIRST ? ['aes-256-gcm', 'chacha20-poly1305'] : ['chacha20-poly1305', 'aes-256-gcm'],
  sha256(...parts) {
    const h = createHash('sha256')
    for (const p of parts) h.update(p)
    return h.digest()
  },
  hmacSha256(key, ...parts) {
    const h = createHmac('sha256', key)
    for (const p of parts) h.update(p)
    return h.digest()
  },
  seal(key, nonce, ad, plaintext) {
    const cipher = chacha(key, nonce)
    cipher.setAAD(ad, { plaintextLength: plaintext.length })
    return Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()])
  },
  open(key, nonce, ad, sealed) {
    if (sealed.length < TAG_LENGTH) throw new StoqCryptoError('ciphertext shorter than its tag')
    const decipher = unchacha(key, nonce)
    decipher.setAAD(ad, { plaintextLength: sealed.length - TAG_LENGTH })
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_LENGTH))
    try {
      return Buffer.concat([
        decipher.update(sealed.subarray(0, sealed.length - TAG_LENGTH)),
        decipher.final(),
      ])
    } catch {
      throw new StoqCryptoError('decryption failed: the message was altered or keys differ')
    }
  },
  x25519Keygen() {
    const { privateKey } = generateKeyPairSync('x25519')
    const jwk = privateKey.export({ format: 'jwk' })
    const secretKey = Buffer.from(String(jwk.d), 'base64url')
    return { publicKey: rawPublic(createPublicKey(privateKey)), secretKey }
  },
  x25519PublicKey(secretKey) {
    return rawPublic(createPublicKey(privateKeyOf(secretKey)))
  },
  x25519(secretKey, peerPublicKey) {
    let shared: Buffer
    try {
      const publicKey = createPublicKey({
        key: Buffer.concat([SPKI_X25519, peerPublicKey]),
        format: 'der',
        type: 'spki',
      })
      shared = diffieHellman({ privateKey: privateKeyOf(secretKey), publicKey })
    } catch {
      throw new StoqCryptoError('invalid X25519 public key')
    }
    // A low-order point gives an all-zero secret: refuse it rather than derive keys from nothing.
    if (isAllZero(shared)) throw new StoqCryptoError('low-order X25519 public key')
    return shared
  },
  frameSealer(key, frameCipher): FrameSealer {
    return {
      // Streaming: bulk frames are encrypted piece by piece, without first copying them together.
      seal(parts, nonce) {
        const cipher = encrypter(frameCipher, key, nonce)
        const out: Uint8Array[] = []
        for (const part of parts) out.push(cipher.update(part))
        cipher.final()
        out.push(cipher.getAuthTag())
        return out
      },
      open(parts, tag, nonce) {
        const decipher = decrypter(frameCipher, key, nonce)
        decipher.setAuthTag(tag)
        const out: Uint8Array[] = []
        for (const part of parts) out.push(decipher.update(part))
        try {
          decipher.final()
        } catch {
          throw new StoqCryptoError(
            'a frame failed authentication: the data was altered, replayed or reordered',
          )
        }
        return out
      },
    }
  },
}

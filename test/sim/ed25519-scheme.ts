/**
 * Ed25519 from node:crypto as a SignatureScheme, for the simulator only: it runs thousands of rounds per
 * second where FALCON-1024 would take minutes. Consensus code is scheme-agnostic; the ledger's genesis only
 * accepts the post-quantum schemes, and test/compliance/signature-scheme.ts holds all of them to one contract.
 */
import {
  createPrivateKey,
  createPublicKey,
  sign,
  verify,
  generateKeyPairSync,
  type KeyObject,
} from 'node:crypto'
import type { SignatureScheme } from '../../app/consensus/signature-scheme'

const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex')
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex')
// KeyObjects are costly to build; the simulator signs and verifies with the same few keys all run long.
const publicKeys = new Map<string, KeyObject>()
const privateKeys = new Map<string, KeyObject>()

export const ed25519Scheme: SignatureScheme = {
  name: 'ed25519',
  publicKeyBytes: 32,
  seedBytes: 32,
  maxSignatureBytes: 64,
  keygen(seed) {
    if (seed == null) {
      const pair = generateKeyPairSync('ed25519')
      const pub = pair.publicKey.export({ format: 'der', type: 'spki' }).subarray(SPKI_PREFIX.length)
      const sec = pair.privateKey.export({ format: 'der', type: 'pkcs8' }).subarray(PKCS8_PREFIX.length)
      return { publicKey: new Uint8Array(pub), secretKey: new Uint8Array(sec) }
    }
    const secretKey = new Uint8Array(seed.subarray(0, 32))
    const key = createPrivateKey({
      key: Buffer.concat([PKCS8_PREFIX, secretKey]),
      format: 'der',
      type: 'pkcs8',
    })
    const publicKey = createPublicKey(key)
      .export({ format: 'der', type: 'spki' })
      .subarray(SPKI_PREFIX.length)
    return { publicKey: new Uint8Array(publicKey), secretKey }
  },
  sign(message, secretKey) {
    const hex = Buffer.from(secretKey).toString('hex')
    let key = privateKeys.get(hex)
    if (key == null) {
      key = createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, secretKey]), format: 'der', type: 'pkcs8' })
      privateKeys.set(hex, key)
    }
    return new Uint8Array(sign(null, message, key))
  },
  verify(signature, message, publicKey) {
    if (publicKey.length !== 32 || signature.length !== 64) return false
    try {
      const hex = Buffer.from(publicKey).toString('hex')
      let key = publicKeys.get(hex)
      if (key == null) {
        key = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, publicKey]), format: 'der', type: 'spki' })
        publicKeys.set(hex, key)
      }
      return verify(null, message, key, signature)
    } catch {
      return false
    }
  },
}

/**
 * A file sealed for sharded storage: encrypted with a fresh AES-256-GCM key, that key wrapped with
 * ML-KEM-1024 for the owner (only the owner's secret key unwraps it), the ciphertext erasure-coded into n
 * shards of which any k rebuild it, and each shard committed to by a Merkle root over its 4 KiB blocks.
 * The manifest (which the owner keeps) holds the roots, so a tampered shard is found and left out, and a
 * holder can be challenged for any block of the shard it claims to hold.
 */
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto'
import { ml_kem1024 } from '@noble/post-quantum/ml-kem.js'
import { z } from 'zod'
import {
  fromBase64,
  HashText,
  inclusionProof,
  leafHash,
  merkleRoot,
  toBase64,
  verifyInclusionProof,
} from '../../consensus'
import { encodeShards, ErasureError, reconstructData } from './erasure'

export const BLOCK_BYTES = 4096
const WRAP_INFO = 'hypermesh/file-key-wrap/v1'

const B64 = z.string().max(8192)
const Hex = HashText

export const FileManifest = z
  .object({
    v: z.literal(1),
    fileId: Hex,
    size: z.number().int().min(0),
    k: z.number().int().min(1),
    n: z.number().int().max(255),
    shardSize: z.number().int().min(1),
    shardRoots: z.array(Hex).max(255),
    kem: z.object({ ciphertext: B64, wrappedKey: B64, nonce: B64 }).strict(),
    data: z.object({ nonce: B64, tag: B64 }).strict(),
  })
  .strict()
  .refine((m) => m.n > m.k && m.shardRoots.length === m.n, 'a manifest has one root per shard, and n > k')
export type FileManifest = z.infer<typeof FileManifest>

export class SealedFileError extends Error {
  constructor(
    readonly code: 'too-few-shards' | 'bad-key' | 'malformed',
    message: string,
  ) {
    super(message)
    this.name = 'SealedFileError'
  }
}

/** The ML-KEM-1024 key pair a node seals its files for, derived from its FALCON secret key (nothing new to keep). */
export function storageKemKeys(falconSecretKey: Uint8Array): {
  publicKey: Uint8Array
  secretKey: Uint8Array
} {
  const seed = new Uint8Array(
    hkdfSync('sha256', falconSecretKey, new Uint8Array(0), 'hypermesh/storage-ml-kem/v1', 64),
  )
  return ml_kem1024.keygen(seed)
}

const blocksOf = (shard: Uint8Array): Uint8Array[] =>
  Array.from({ length: Math.max(1, Math.ceil(shard.length / BLOCK_BYTES)) }, (_, i) =>
    shard.subarray(i * BLOCK_BYTES, (i + 1) * BLOCK_BYTES),
  )
const shardRoot = (shard: Uint8Array): string => Buffer.from(merkleRoot(blocksOf(shard))).toString('hex')

export function sealFile(
  data: Uint8Array,
  ownerKemPublicKey: Uint8Array,
  shape: { k: number; n: number },
): { manifest: FileManifest; shards: Uint8Array[] } {
  const contentKey = randomBytes(32)
  const dataNonce = randomBytes(12)
  const cipher = createCipheriv('aes-256-gcm', contentKey, dataNonce)
  const ciphertext = Buffer.concat([cipher.update(data), cipher.final()])
  const { cipherText: kemCiphertext, sharedSecret } = ml_kem1024.encapsulate(ownerKemPublicKey)
  const wrapNonce = randomBytes(12)
  const wrapper = createCipheriv('aes-256-gcm', wrapKey(sharedSecret), wrapNonce)
  const wrappedKey = Buffer.concat([wrapper.update(contentKey), wrapper.final(), wrapper.getAuthTag()])
  const { shards, shardSize } = encodeShards(ciphertext, shape.k, shape.n)
  const manifest: FileManifest = {
    v: 1,
    fileId: createHash('sha256').update(ciphertext).digest('hex'),
    size: ciphertext.length,
    k: shape.k,
    n: shape.n,
    shardSize,
    shardRoots: shards.map(shardRoot),
    kem: {
      ciphertext: toBase64(kemCiphertext),
      wrappedKey: toBase64(wrappedKey),
      nonce: toBase64(wrapNonce),
    },
    data: { nonce: toBase64(dataNonce), tag: toBase64(cipher.getAuthTag()) },
  }
  return { manifest, shards }
}

/**
 * Rebuilds and decrypts a file from whatever shards came back (null for a holder that did not answer).
 * Shards that do not match their root are left out and reported; `tampered` lists them.
 */
export function openFile(
  manifest: FileManifest,
  shards: readonly (Uint8Array | null)[],
  ownerKemSecretKey: Uint8Array,
): { data: Uint8Array; tampered: number[] } {
  if (shards.length !== manifest.n)
    throw new SealedFileError('malformed', `expected ${manifest.n} shard slots`)
  const tampered: number[] = []
  const usable = shards.map((shard, i) => {
    if (shard == null) return null
    if (shard.length !== manifest.shardSize || shardRoot(shard) !== manifest.shardRoots[i]) {
      tampered.push(i)
      return null
    }
    return shard
  })
  let ciphertext: Uint8Array
  try {
    ciphertext = reconstructData(usable, manifest.k, manifest.shardSize).subarray(0, manifest.size)
  } catch (err) {
    if (err instanceof ErasureError) throw new SealedFileError('too-few-shards', err.message)
    throw err
  }
  const contentKey = unwrapKey(manifest, ownerKemSecretKey)
  try {
    const decipher = createDecipheriv('aes-256-gcm', contentKey, fromBase64(manifest.data.nonce))
    decipher.setAuthTag(fromBase64(manifest.data.tag))
    return { data: new Uint8Array(Buffer.concat([decipher.update(ciphertext), decipher.final()])), tampered }
  } catch {
    throw new SealedFileError(
      'bad-key',
      'the file does not decrypt: the manifest does not match these shards',
    )
  }
}

function wrapKey(sharedSecret: Uint8Array): Uint8Array {
  return new Uint8Array(hkdfSync('sha256', sharedSecret, new Uint8Array(0), WRAP_INFO, 32))
}

function unwrapKey(manifest: FileManifest, ownerKemSecretKey: Uint8Array): Uint8Array {
  try {
    const sharedSecret = ml_kem1024.decapsulate(fromBase64(manifest.kem.ciphertext), ownerKemSecretKey)
    const wrapped = fromBase64(manifest.kem.wrappedKey)
    const decipher = createDecipheriv('aes-256-gcm', wrapKey(sharedSecret), fromBase64(manifest.kem.nonce))
    decipher.setAuthTag(wrapped.subarray(wrapped.length - 16))
    return new Uint8Array(
      Buffer.concat([decipher.update(wrapped.subarray(0, wrapped.length - 16)), decipher.final()]),
    )
  } catch {
    throw new SealedFileError('bad-key', 'the file key does not unwrap: this is not the owner’s key')
  }
}

/** A storage challenge's answer: the block, and its audit path to the shard's root. */
export interface ChallengeAnswer {
  block: Uint8Array
  path: Uint8Array[]
}

/** What a holder answers when asked for block `index` of a shard it holds. */
export function answerChallenge(shard: Uint8Array, index: number): ChallengeAnswer {
  const blocks = blocksOf(shard)
  return {
    block: blocks[index] ?? new Uint8Array(0),
    path: inclusionProof(blocks.map(leafHash), Math.min(index, blocks.length - 1)),
  }
}

/** Checks a holder's answer for block `index` of shard `shard` against the manifest. */
export function verifyChallenge(
  manifest: FileManifest,
  shard: number,
  index: number,
  answer: ChallengeAnswer,
): boolean {
  const root = manifest.shardRoots[shard]
  if (root == null) return false
  const blocks = Math.max(1, Math.ceil(manifest.shardSize / BLOCK_BYTES))
  if (!Number.isInteger(index) || index < 0 || index >= blocks) return false
  return verifyInclusionProof(
    leafHash(answer.block),
    index,
    blocks,
    answer.path,
    new Uint8Array(Buffer.from(root, 'hex')),
  )
}

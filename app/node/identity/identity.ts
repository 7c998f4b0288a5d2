/**
 * The node identity: an Ed25519 libp2p key (the peer id) and a FALCON-1024 key pair (post-quantum node key).
 * Both secret keys are sealed at rest by a {@link KeyProtector}; public parts sit beside them in the clear.
 * Loading checks that the keys match what the file claims, so a swapped or damaged file is refused.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { createHash, randomBytes } from 'node:crypto'
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import type { PeerId, PrivateKey } from '@libp2p/interface'
import { falcon1024 } from '@noble/post-quantum/falcon.js'
import { z } from 'zod'
import { falcon1024Scheme } from '../../consensus'
import { writeFileDurably } from '../durable-file'
import type { KeyProtector } from './key-protector'

export interface NodeIdentity {
  readonly peerId: PeerId
  readonly privateKey: PrivateKey
  readonly falcon: { readonly publicKey: Uint8Array; readonly secretKey: Uint8Array }
  /** First 16 bytes (hex) of SHA-256 over the FALCON-1024 public key. */
  readonly falconFingerprint: string
}

export class IdentityError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'IdentityError'
  }
}

const b64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/)
const IdentityFile = z
  .object({
    version: z.literal(1),
    peerId: z.string().min(1),
    falconPublicKey: b64,
    protector: z.string().min(1),
    sealed: b64,
  })
  .strict()
const SealedSecrets = z.object({ ed25519: b64, falconSecretKey: b64 }).strict()

export const identityPath = (dataDir: string): string => join(dataDir, 'keys', 'identity.json')

export const falconFingerprint = (publicKey: Uint8Array): string =>
  createHash('sha256').update(publicKey).digest('hex').slice(0, 32)

/**
 * Loads the identity from the data dir, or creates and stores a new one on first start.
 * Keys sealed by one of the `fallbacks` (say, the machine key, before an OS keychain became available)
 * are opened with it and sealed again with `preferred`, so a change of protector never locks a node out.
 */
export async function loadOrCreateIdentity(
  dataDir: string,
  preferred: KeyProtector,
  fallbacks: readonly KeyProtector[] = [],
): Promise<{ identity: NodeIdentity; created: boolean; resealed: boolean }> {
  const path = identityPath(dataDir)
  if (!existsSync(path)) {
    const identity = await generateIdentity()
    await storeIdentity(path, identity, preferred)
    return { identity, created: true, resealed: false }
  }
  const sealedWith = readIdentityFile(path).protector
  const opener = [preferred, ...fallbacks].find((p) => p.kind === sealedWith) ?? preferred
  const identity = await loadIdentity(path, opener)
  if (opener === preferred) return { identity, created: false, resealed: false }
  await storeIdentity(path, identity, preferred, { replace: true })
  return { identity, created: false, resealed: true }
}

export async function generateIdentity(): Promise<NodeIdentity> {
  const privateKey = await generateKeyPair('Ed25519')
  const falcon = falcon1024.keygen(randomBytes(falcon1024.lengths.seed ?? 48))
  return {
    peerId: peerIdFromPrivateKey(privateKey),
    privateKey,
    falcon: { publicKey: falcon.publicKey, secretKey: falcon.secretKey },
    falconFingerprint: falconFingerprint(falcon.publicKey),
  }
}

async function storeIdentity(
  path: string,
  identity: NodeIdentity,
  protector: KeyProtector,
  options: { replace?: boolean } = {},
): Promise<void> {
  const secrets = JSON.stringify({
    ed25519: Buffer.from(privateKeyToProtobuf(identity.privateKey)).toString('base64'),
    falconSecretKey: Buffer.from(identity.falcon.secretKey).toString('base64'),
  })
  const sealed = await protector.seal(new TextEncoder().encode(secrets))
  const file: z.infer<typeof IdentityFile> = {
    version: 1,
    peerId: identity.peerId.toString(),
    falconPublicKey: Buffer.from(identity.falcon.publicKey).toString('base64'),
    protector: protector.kind,
    sealed: Buffer.from(sealed).toString('base64'),
  }
  mkdirSync(join(path, '..'), { recursive: true, mode: 0o700 })
  // Never overwrite a new identity: a second writer racing us must not replace keys someone already uses.
  // Re-sealing the same keys replaces the file. Either way it is on the disk before anything uses it.
  try {
    writeFileDurably(path, JSON.stringify(file, null, 2), { noReplace: options.replace !== true })
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
    throw new IdentityError(`${path} appeared while creating a new identity; not overwriting it`)
  }
}

function readIdentityFile(path: string): z.infer<typeof IdentityFile> {
  try {
    return IdentityFile.parse(JSON.parse(readFileSync(path, 'utf8')))
  } catch (err) {
    throw new IdentityError(
      `${path} is damaged (${(err as Error).message.split('\n')[0]}); restore it from a backup`,
    )
  }
}

async function loadIdentity(path: string, protector: KeyProtector): Promise<NodeIdentity> {
  const file = readIdentityFile(path)
  if (file.protector !== protector.kind) {
    throw new IdentityError(
      `the keys in ${path} were sealed with "${file.protector}" but this node was started with "${protector.kind}"` +
        (file.protector === 'passphrase' ? '; set HYPERMESH_PASSPHRASE' : ''),
    )
  }
  let secrets: z.infer<typeof SealedSecrets>
  try {
    const opened = await protector.open(Buffer.from(file.sealed, 'base64'))
    secrets = SealedSecrets.parse(JSON.parse(new TextDecoder().decode(opened)))
  } catch (err) {
    throw new IdentityError(`cannot unlock the node keys in ${path}: ${(err as Error).message}`)
  }
  const privateKey = privateKeyFromProtobuf(Buffer.from(secrets.ed25519, 'base64'))
  const peerId = peerIdFromPrivateKey(privateKey)
  if (peerId.toString() !== file.peerId) {
    throw new IdentityError(`${path}: the sealed Ed25519 key does not belong to peer ${file.peerId}`)
  }
  const falcon = {
    publicKey: new Uint8Array(Buffer.from(file.falconPublicKey, 'base64')),
    secretKey: new Uint8Array(Buffer.from(secrets.falconSecretKey, 'base64')),
  }
  if (!falconKeysMatch(falcon.publicKey, falcon.secretKey)) {
    throw new IdentityError(`${path}: the FALCON-1024 secret key does not match the public key on file`)
  }
  return { peerId, privateKey, falcon, falconFingerprint: falconFingerprint(falcon.publicKey) }
}

function falconKeysMatch(publicKey: Uint8Array, secretKey: Uint8Array): boolean {
  try {
    const probe = randomBytes(32)
    return falcon1024Scheme.verify(falcon1024Scheme.sign(probe, secretKey), probe, publicKey)
  } catch {
    return false
  }
}

/**
 * A network is its genesis document; its id is the SHA-256 of the document's canonical JSON (RFC 8785),
 * so a peer cannot hand us a different genesis under a network id it did not come from.
 */
import { createHash, randomBytes } from 'node:crypto'
import canonicalize from 'canonicalize'
import { z } from 'zod'
import { PeerIdText } from '../../../shared/schemas'

export const GenesisDocument = z
  .object({
    version: z.literal(1),
    name: z.string().min(1).max(64),
    createdAt: z.iso.datetime(),
    creator: z
      .object({
        peerId: PeerIdText,
        falconPublicKey: z
          .string()
          .regex(/^[A-Za-z0-9+/]+={0,2}$/)
          .max(4096),
      })
      .strict(),
    /** Random bytes so that two devnets made by one node at one instant still differ. */
    salt: z.string().regex(/^[0-9a-f]{32}$/),
    /** Transport rules every member enforces. Absent: STOQ (post-quantum) connections only. */
    transport: z.object({ allowClassicalNoise: z.boolean() }).strict().optional(),
  })
  .strict()
export type GenesisDocument = z.infer<typeof GenesisDocument>

/** Whether members may keep connections secured by classical Noise (X25519 only). Default: no. */
export const allowsClassicalNoise = (genesis: GenesisDocument): boolean =>
  genesis.transport?.allowClassicalNoise === true

export function networkIdOf(genesis: GenesisDocument): string {
  const canonical = canonicalize(genesis)
  if (canonical == null) throw new Error('genesis cannot be canonicalized')
  return createHash('sha256').update(canonical, 'utf8').digest('hex')
}

export function createDevnetGenesis(init: {
  name: string
  peerId: string
  falconPublicKey: Uint8Array
}): GenesisDocument {
  return GenesisDocument.parse({
    version: 1,
    name: init.name,
    createdAt: new Date().toISOString(),
    creator: { peerId: init.peerId, falconPublicKey: Buffer.from(init.falconPublicKey).toString('base64') },
    salt: randomBytes(16).toString('hex'),
  })
}

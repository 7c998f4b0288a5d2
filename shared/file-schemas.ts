/**
 * Files stored sharded and encrypted across peers, through the API: uploaded and downloaded in chunks
 * (the API's messages are small), each file sealed for this node and put k of n on peers that granted
 * storage leases.
 */
import { z } from 'zod'
import { HashText } from './schemas'

/** The most one stored file may be: it is sealed in this node's memory before it is sharded. */
export const MAX_STORED_FILE_BYTES = 64 * 1024 * 1024
/** Bytes per upload or download chunk (base64 in a message well under the API's 64 KiB). */
export const FILE_CHUNK_BYTES = 32 * 1024

const Hex64 = HashText
const Base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'not base64')
const Id = z.string().regex(/^[0-9a-f]{32}$/, 'not an id this node gave')

export const FileUploadBegin = z
  .object({
    name: z.string().min(1, 'a file needs a name').max(255),
    size: z
      .number()
      .int()
      .min(1, 'the file is empty')
      .max(MAX_STORED_FILE_BYTES, 'files are stored up to 64 MiB'),
    /** Holders to spread it over, and how many of them give it back; chosen from the peers that offer storage when absent. */
    n: z.number().int().min(2, 'a file is spread over at least two holders').max(16).optional(),
    k: z.number().int().min(1).max(16).optional(),
  })
  .strict()
  .refine((r) => r.k == null || r.n == null || r.k < r.n, 'k is less than n: some holders may go')
export type FileUploadBegin = z.infer<typeof FileUploadBegin>

export const FileUploadChunk = z
  .object({
    uploadId: Id,
    offset: z.number().int().min(0),
    data: Base64.max(Math.ceil(FILE_CHUNK_BYTES / 3) * 4),
  })
  .strict()
export type FileUploadChunk = z.infer<typeof FileUploadChunk>

export const StoredFileInfo = z.object({
  fileId: Hex64,
  name: z.string(),
  size: z.number().int(),
  k: z.number().int(),
  n: z.number().int(),
  /** The holders' peer ids, shard i on holder i. */
  holders: z.array(z.string()),
  storedAt: z.number(),
  /** When the first of the holders' leases expires. */
  expiresAt: z.number(),
})
export type StoredFileInfo = z.infer<typeof StoredFileInfo>

export const FileFetched = z.object({
  downloadId: Id,
  name: z.string(),
  size: z.number().int(),
  /** Holders that did not answer, and those whose shard failed its check (left out). */
  missing: z.array(z.string()),
  tampered: z.array(z.string()),
})
export type FileFetched = z.infer<typeof FileFetched>

export const FileReadChunk = z
  .object({
    downloadId: Id,
    offset: z.number().int().min(0),
    length: z.number().int().min(1).max(FILE_CHUNK_BYTES),
  })
  .strict()

export const HolderCheck = z.object({ peer: z.string(), ok: z.boolean(), detail: z.string() })
export type HolderCheck = z.infer<typeof HolderCheck>

export const FileRef = z.object({ fileId: Hex64 }).strict()

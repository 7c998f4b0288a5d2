/**
 * The files being moved between the page and the node: uploads arriving in chunks, and fetched files
 * waiting to be read back in chunks. Each is held in memory, so together they are bounded, in count and in
 * bytes; a call that would pass either bound is refused with the reason (BUSY), and nothing is allocated
 * for it. Memory follows what has arrived, not what was announced, and a transfer left idle is dropped.
 */
import { randomBytes } from 'node:crypto'
import type { FileUploadBegin } from '../../../shared/file-schemas'
import { MAX_STORED_FILE_BYTES } from '../../../shared/file-schemas'
import { AssetRequestError } from '../errors'

export interface TransferLimits {
  /** Uploads and downloads held at once, each. */
  maxAtOnce: number
  /** Bytes they may hold together (uploads count what they announced). */
  maxBytes: number
  /** A transfer not touched for this long is dropped. */
  idleMs: number
}

export const DEFAULT_TRANSFER_LIMITS: TransferLimits = {
  maxAtOnce: 4,
  maxBytes: 2 * MAX_STORED_FILE_BYTES,
  idleMs: 2 * 60_000,
}

interface Upload {
  begin: FileUploadBegin
  chunks: Buffer[]
  received: number
  touchedAt: number
}

interface Download {
  name: string
  data: Uint8Array
  touchedAt: number
}

export class TransferBuffers {
  private readonly uploads = new Map<string, Upload>()
  private readonly downloads = new Map<string, Download>()
  /** Bytes held by uploads being placed on holders and by files being fetched from them. */
  private inFlight = 0
  /** Downloads being fetched from holders, not yet readable. */
  private fetching = 0

  constructor(
    private readonly now: () => number,
    private readonly limits: TransferLimits = DEFAULT_TRANSFER_LIMITS,
  ) {}

  /** What uploads (by announced size), downloads and files in flight hold now. */
  get heldBytes(): number {
    let held = this.inFlight
    for (const u of this.uploads.values()) held += u.begin.size
    for (const d of this.downloads.values()) held += d.data.length
    return held
  }

  beginUpload(begin: FileUploadBegin): string {
    this.dropIdle()
    this.refuseBeyond('upload', this.uploads.size, begin.size)
    const uploadId = randomBytes(16).toString('hex')
    this.uploads.set(uploadId, { begin, chunks: [], received: 0, touchedAt: this.now() })
    return uploadId
  }

  addChunk(uploadId: string, offset: number, bytes: Buffer): number {
    const upload = this.uploadOf(uploadId)
    if (offset !== upload.received)
      throw new AssetRequestError(
        'bad-request',
        `send the bytes in order: expected offset ${upload.received}, got ${offset}`,
      )
    if (bytes.length === 0 || offset + bytes.length > upload.begin.size)
      throw new AssetRequestError('bad-request', `the chunk passes the ${upload.begin.size} bytes announced`)
    upload.chunks.push(bytes)
    upload.received += bytes.length
    upload.touchedAt = this.now()
    return upload.received
  }

  /** Drops an upload and what it holds; false if there was none. */
  cancelUpload(uploadId: string): boolean {
    return this.uploads.delete(uploadId)
  }

  /**
   * Takes a complete upload out of the buffers; its bytes stay counted until `done` is called (the file
   * is being sealed and placed meanwhile).
   */
  takeUpload(uploadId: string): { begin: FileUploadBegin; bytes: Uint8Array; release(): void } {
    const upload = this.uploadOf(uploadId)
    if (upload.received !== upload.begin.size)
      throw new AssetRequestError(
        'bad-request',
        `${upload.received} of ${upload.begin.size} bytes arrived; send the rest`,
      )
    this.uploads.delete(uploadId)
    const bytes = new Uint8Array(Buffer.concat(upload.chunks, upload.received))
    return { begin: upload.begin, bytes, release: this.hold(upload.begin.size) }
  }

  /**
   * Reserves room for a file of `size` bytes about to be fetched into memory, or refuses when it would
   * pass the bounds. `add` makes the fetched file readable; `release` gives the room back if it failed.
   */
  reserveDownload(size: number): { add(name: string, data: Uint8Array): string; release(): void } {
    this.dropIdle()
    this.refuseBeyond('download', this.downloads.size + this.fetching, size)
    this.fetching++
    const free = this.hold(size)
    let open = true
    const release = (): void => {
      if (open) this.fetching--
      open = false
      free()
    }
    return {
      add: (name, data) => {
        release()
        const downloadId = randomBytes(16).toString('hex')
        this.downloads.set(downloadId, { name, data, touchedAt: this.now() })
        return downloadId
      },
      release,
    }
  }

  /** Up to `length` bytes of a download from `offset`; the download ends once its last byte is read. */
  readChunk(downloadId: string, offset: number, length: number): Uint8Array {
    const download = this.downloads.get(downloadId)
    if (download == null) throw new AssetRequestError('not-found', 'no such download; fetch the file again')
    download.touchedAt = this.now()
    const part = download.data.subarray(offset, Math.min(offset + length, download.data.length))
    if (offset + part.length >= download.data.length) this.downloads.delete(downloadId)
    return part
  }

  /** Counts `bytes` as held until the returned function is called (once; later calls do nothing). */
  private hold(bytes: number): () => void {
    this.inFlight += bytes
    let held = true
    return () => {
      if (held) this.inFlight -= bytes
      held = false
    }
  }

  private refuseBeyond(what: 'upload' | 'download', count: number, size: number): void {
    const { maxAtOnce, maxBytes } = this.limits
    if (count >= maxAtOnce)
      throw new AssetRequestError(
        'busy',
        `${count} ${what}s are in progress, the most this node holds at once; finish one, or wait ${Math.round(this.limits.idleMs / 60_000)} minutes for an abandoned one to be dropped`,
      )
    const held = this.heldBytes
    if (held + size > maxBytes)
      throw new AssetRequestError(
        'busy',
        `files in transfer hold ${held} bytes of this node's memory; ${size} more would pass its ${maxBytes}-byte limit, so wait for one to finish`,
      )
  }

  private uploadOf(uploadId: string): Upload {
    this.dropIdle()
    const upload = this.uploads.get(uploadId)
    if (upload == null)
      throw new AssetRequestError('not-found', 'no such upload (it may have timed out); begin again')
    return upload
  }

  private dropIdle(): void {
    const cutoff = this.now() - this.limits.idleMs
    for (const [id, u] of this.uploads) if (u.touchedAt < cutoff) this.uploads.delete(id)
    for (const [id, d] of this.downloads) if (d.touchedAt < cutoff) this.downloads.delete(id)
  }
}

/**
 * Code and input sent by the UI in chunks (an API message is at most 64 KiB), kept in memory until a
 * job takes them. Bounded: a few uploads at once (the least recently used one makes room for a new one:
 * the UI uploads a draft again as it is edited), each at most its announced size, dropped when idle.
 */
import { randomBytes } from 'node:crypto'
import { JobRequestError } from './errors'

const MAX_UPLOADS = 8
const IDLE_MS = 10 * 60 * 1000

interface Upload {
  purpose: 'code' | 'input'
  bytes: Uint8Array
  received: number
  touchedAt: number
}

export class JobUploads {
  private readonly uploads = new Map<string, Upload>()

  constructor(private readonly now: () => number = Date.now) {}

  begin(purpose: 'code' | 'input', size: number): { uploadId: string } {
    this.dropIdle()
    if (this.uploads.size >= MAX_UPLOADS) {
      const [oldest] = [...this.uploads].sort(([, a], [, b]) => a.touchedAt - b.touchedAt)
      if (oldest != null) this.uploads.delete(oldest[0])
    }
    const uploadId = randomBytes(16).toString('hex')
    this.uploads.set(uploadId, { purpose, bytes: new Uint8Array(size), received: 0, touchedAt: this.now() })
    return { uploadId }
  }

  chunk(uploadId: string, offset: number, base64: string): { received: number } {
    const upload = this.need(uploadId)
    if (offset !== upload.received)
      throw new JobRequestError('bad-request', `send the bytes in order: expected offset ${upload.received}`)
    const data = Buffer.from(base64, 'base64')
    if (data.toString('base64') !== base64)
      throw new JobRequestError('bad-request', 'a chunk is canonical base64')
    if (upload.received + data.length > upload.bytes.length)
      throw new JobRequestError('bad-request', `the upload was announced as ${upload.bytes.length} bytes`)
    upload.bytes.set(data, upload.received)
    upload.received += data.length
    upload.touchedAt = this.now()
    return { received: upload.received }
  }

  /** The complete upload's bytes; the upload is gone after. */
  take(uploadId: string, purpose: 'code' | 'input'): Uint8Array {
    const upload = this.need(uploadId)
    if (upload.purpose !== purpose)
      throw new JobRequestError('bad-request', `upload ${uploadId} is not ${purpose}`)
    if (upload.received !== upload.bytes.length)
      throw new JobRequestError(
        'bad-request',
        `upload ${uploadId} has ${upload.received} of ${upload.bytes.length} bytes; send the rest first`,
      )
    this.uploads.delete(uploadId)
    return upload.bytes
  }

  private need(uploadId: string): Upload {
    const upload = this.uploads.get(uploadId)
    if (upload == null) throw new JobRequestError('not-found', `no upload ${uploadId}; begin it again`)
    return upload
  }

  private dropIdle(): void {
    for (const [id, upload] of this.uploads)
      if (this.now() - upload.touchedAt > IDLE_MS) this.uploads.delete(id)
  }
}

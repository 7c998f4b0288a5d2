import { describe, expect, it } from 'vitest'
import { AssetRequestError } from '../errors'
import { TransferBuffers } from './transfer-buffers'

const MiB = 1024 * 1024
const limits = { maxAtOnce: 3, maxBytes: 10 * MiB, idleMs: 60_000 }
const begin = (size: number) => ({ name: 'f', size })

function refusal(fn: () => unknown): AssetRequestError {
  try {
    fn()
  } catch (err) {
    if (err instanceof AssetRequestError) return err
    throw err
  }
  throw new Error('it was not refused')
}

describe('files in transfer', () => {
  it('refuses an upload beyond the count at once, with BUSY and the reason', () => {
    const buffers = new TransferBuffers(() => 0, limits)
    for (let i = 0; i < 3; i++) buffers.beginUpload(begin(1000))
    const refused = refusal(() => buffers.beginUpload(begin(1000)))
    expect(refused.kind).toBe('busy')
    expect(refused.message).toMatch(/^3 uploads are in progress, the most this node holds at once/)
  })

  it('refuses an upload or a download that would pass the bytes held together', () => {
    const buffers = new TransferBuffers(() => 0, limits)
    buffers.beginUpload(begin(6 * MiB))
    const upload = refusal(() => buffers.beginUpload(begin(5 * MiB)))
    expect(upload.kind).toBe('busy')
    expect(upload.message).toMatch(/hold 6291456 bytes .* 5242880 more would pass its 10485760-byte limit/)
    const fetching = buffers.reserveDownload(4 * MiB)
    expect(refusal(() => buffers.reserveDownload(1)).kind).toBe('busy')
    fetching.release()
    expect(buffers.heldBytes).toBe(6 * MiB)
  })

  it('holds what has arrived, not what was announced, and gives back exactly the bytes sent', () => {
    const buffers = new TransferBuffers(() => 0, limits)
    const id = buffers.beginUpload(begin(5))
    expect(buffers.addChunk(id, 0, Buffer.from([1, 2]))).toBe(2)
    expect(refusal(() => buffers.takeUpload(id)).message).toBe('2 of 5 bytes arrived; send the rest')
    expect(refusal(() => buffers.addChunk(id, 0, Buffer.from([9]))).message).toMatch(/expected offset 2/)
    expect(refusal(() => buffers.addChunk(id, 2, Buffer.alloc(4))).message).toMatch(/passes the 5 bytes/)
    buffers.addChunk(id, 2, Buffer.from([3, 4, 5]))
    const taken = buffers.takeUpload(id)
    expect([...taken.bytes]).toEqual([1, 2, 3, 4, 5])
    // Placing it still holds its bytes, until released.
    expect(buffers.heldBytes).toBe(5)
    taken.release()
    taken.release()
    expect(buffers.heldBytes).toBe(0)
  })

  it('frees a cancelled upload’s room at once, and forgets it', () => {
    const buffers = new TransferBuffers(() => 0, limits)
    const id = buffers.beginUpload(begin(6 * MiB))
    expect(refusal(() => buffers.beginUpload(begin(5 * MiB))).kind).toBe('busy')
    expect(buffers.cancelUpload(id)).toBe(true)
    expect(buffers.heldBytes).toBe(0)
    expect(buffers.cancelUpload(id)).toBe(false)
    expect(refusal(() => buffers.addChunk(id, 0, Buffer.from([1]))).kind).toBe('not-found')
    buffers.beginUpload(begin(5 * MiB))
  })

  it('drops a transfer left idle, which frees its room', () => {
    let now = 0
    const buffers = new TransferBuffers(() => now, limits)
    const ids = [0, 1, 2].map(() => buffers.beginUpload(begin(10)))
    now = 50_000
    buffers.addChunk(ids[0]!, 0, Buffer.alloc(1))
    now = 70_000
    // Two have been idle past the limit; the one that moved has not.
    buffers.beginUpload(begin(10))
    buffers.beginUpload(begin(10))
    expect(refusal(() => buffers.addChunk(ids[1]!, 0, Buffer.alloc(1))).kind).toBe('not-found')
    expect(buffers.addChunk(ids[0]!, 1, Buffer.alloc(1))).toBe(2)
  })

  it('a download is read in chunks and ends with its last byte', () => {
    const buffers = new TransferBuffers(() => 0, limits)
    const id = buffers.reserveDownload(3).add('f', new Uint8Array([7, 8, 9]))
    expect([...buffers.readChunk(id, 0, 2)]).toEqual([7, 8])
    expect([...buffers.readChunk(id, 2, 2)]).toEqual([9])
    expect(refusal(() => buffers.readChunk(id, 0, 1)).kind).toBe('not-found')
    expect(buffers.heldBytes).toBe(0)
  })
})

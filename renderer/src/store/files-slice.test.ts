import { describe, expect, it } from 'vitest'
import { ApiError, FILE_CHUNK_BYTES } from '../../../shared/api'
import { createApiClient } from '../../../shared/client'
import { createFakeBridge } from '../testing/fake-bridge'
import { alwaysVisible } from './polling'
import { createHyperMeshStore } from './store'

function filesBridge(failAtChunk: number | null) {
  const chunks: number[] = []
  const cancelled: string[] = []
  const bridge = createFakeBridge({
    'files.beginUpload': () => ({ uploadId: 'u1' }),
    'files.uploadChunk': ({ offset }) => {
      if (chunks.length === failAtChunk) throw new ApiError('INTERNAL', 'the node went away')
      chunks.push(offset)
      return { received: offset }
    },
    'files.cancelUpload': ({ uploadId }) => {
      cancelled.push(uploadId)
      return { cancelled: true }
    },
    'files.finishUpload': () => {
      throw new ApiError('BAD_REQUEST', 'too few peers grant storage')
    },
    'files.list': () => [],
  })
  const store = createHyperMeshStore(createApiClient(bridge), { visibility: alwaysVisible })
  return { store, chunks, cancelled }
}

describe('storing a file from the UI', () => {
  it('gives the node’s memory back when sending the bytes fails part-way, and says why', async () => {
    const { store, chunks, cancelled } = filesBridge(1)
    const outcome = await store.getState().actions.storeFile('f', new Uint8Array(FILE_CHUNK_BYTES * 3))
    expect(outcome).toMatchObject({ ok: false, message: expect.stringMatching(/the node went away/) })
    expect(chunks).toEqual([0])
    expect(cancelled).toEqual(['u1'])
    expect(store.getState().sharing.fileTransfer).toBeNull()
  })

  it('does not cancel an upload whose bytes all arrived (placing it failed: the node released it)', async () => {
    const { store, chunks, cancelled } = filesBridge(null)
    const outcome = await store.getState().actions.storeFile('f', new Uint8Array(FILE_CHUNK_BYTES + 1))
    expect(outcome).toMatchObject({ ok: false, message: expect.stringMatching(/too few peers/) })
    expect(chunks).toEqual([0, FILE_CHUNK_BYTES])
    expect(cancelled).toEqual([])
  })
})

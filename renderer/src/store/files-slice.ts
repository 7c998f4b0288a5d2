/**
 * Files stored on peers, from the UI: the bytes go to the node in chunks (with progress), the node seals
 * and places them; getting one back reads it in chunks the same way. The list is read with the sharing
 * view's poll.
 */
import { FILE_CHUNK_BYTES, type HyperMeshApi, type StoredFileInfo } from '../../../shared/api'
import type { FileTransfer, FilesActions, HyperMeshState, SharingArea, UiError } from './types'

interface SliceParts {
  api: HyperMeshApi
  get: () => HyperMeshState
  set: (patch: Partial<HyperMeshState>) => void
  failed: (err: unknown) => UiError
}

const toBase64 = (bytes: Uint8Array): string => {
  let text = ''
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  return btoa(text)
}
const fromBase64 = (text: string): Uint8Array => Uint8Array.from(atob(text), (c) => c.charCodeAt(0))

export function createFilesActions({ api, get, set, failed }: SliceParts): FilesActions {
  const setSharing = (patch: Partial<SharingArea>): void => set({ sharing: { ...get().sharing, ...patch } })
  const progress = (transfer: FileTransfer | null): void => setSharing({ fileTransfer: transfer })
  const refresh = async (): Promise<void> => {
    const files = await api.call('files.list', {}).catch(() => get().sharing.files)
    setSharing({ files })
  }
  return {
    async storeFile(name, bytes) {
      if (get().sharing.fileTransfer != null) return { ok: false, message: 'another file is on its way' }
      try {
        progress({ name, phase: 'uploading', done: 0, total: bytes.length })
        const { uploadId } = await api.call('files.beginUpload', { name, size: bytes.length })
        for (let offset = 0; offset < bytes.length; offset += FILE_CHUNK_BYTES) {
          const chunk = bytes.subarray(offset, offset + FILE_CHUNK_BYTES)
          await api.call('files.uploadChunk', { uploadId, offset, data: toBase64(chunk) })
          progress({ name, phase: 'uploading', done: offset + chunk.length, total: bytes.length })
        }
        progress({ name, phase: 'placing', done: bytes.length, total: bytes.length })
        const stored = await api.call('files.finishUpload', { uploadId })
        await refresh()
        return { ok: true, value: stored }
      } catch (err) {
        return { ok: false, message: failed(err).message }
      } finally {
        progress(null)
      }
    },

    async fetchFile(file: StoredFileInfo) {
      if (get().sharing.fileTransfer != null) return { ok: false, message: 'another file is on its way' }
      try {
        progress({ name: file.name, phase: 'fetching', done: 0, total: file.size })
        const fetched = await api.call('files.fetch', { fileId: file.fileId })
        const out = new Uint8Array(fetched.size)
        for (let offset = 0; offset < fetched.size; offset += FILE_CHUNK_BYTES) {
          const { data } = await api.call('files.readChunk', {
            downloadId: fetched.downloadId,
            offset,
            length: FILE_CHUNK_BYTES,
          })
          out.set(fromBase64(data), offset)
          progress({
            name: file.name,
            phase: 'downloading',
            done: Math.min(offset + FILE_CHUNK_BYTES, fetched.size),
            total: fetched.size,
          })
        }
        return { ok: true, value: { bytes: out, missing: fetched.missing, tampered: fetched.tampered } }
      } catch (err) {
        return { ok: false, message: failed(err).message }
      } finally {
        progress(null)
      }
    },

    async checkFile(fileId) {
      try {
        return { ok: true, value: await api.call('files.check', { fileId }) }
      } catch (err) {
        return { ok: false, message: failed(err).message }
      }
    },

    async removeFile(fileId) {
      try {
        const result = await api.call('files.remove', { fileId })
        await refresh()
        return { ok: true, value: result }
      } catch (err) {
        return { ok: false, message: failed(err).message }
      }
    },
  }
}

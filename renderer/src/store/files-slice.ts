/**
 * Files stored on peers, from the UI: the bytes go to the node in chunks (with progress), the node seals
 * and places them; getting one back reads it in chunks the same way. The list is read with the sharing
 * view's poll.
 */
import { FILE_CHUNK_BYTES, type StoredFileInfo } from '../../../shared/api'
import { outcomeOf, type SliceParts } from './slice'
import type { FileTransfer, FilesActions, SharingArea } from './types'

/** The file list is read with the sharing view's poll, so this slice has no read of its own. */
type FilesParts = Omit<SliceParts<'sharing'>, 'read'>

const toBase64 = (bytes: Uint8Array): string => {
  let text = ''
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  return btoa(text)
}
const fromBase64 = (text: string): Uint8Array => Uint8Array.from(atob(text), (c) => c.charCodeAt(0))

export function createFilesActions({ api, get, set, failed }: FilesParts): FilesActions {
  const setSharing = (patch: Partial<SharingArea>): void => set({ sharing: { ...get().sharing, ...patch } })
  const progress = (transfer: FileTransfer | null): void => setSharing({ fileTransfer: transfer })
  const refresh = async (): Promise<void> => {
    const files = await api.call('files.list', {}).catch(() => get().sharing.files)
    setSharing({ files })
  }
  return {
    async storeFile(name, bytes) {
      if (get().sharing.fileTransfer != null) return { ok: false, message: 'another file is on its way' }
      const outcome = await outcomeOf(async () => {
        progress({ name, phase: 'uploading', done: 0, total: bytes.length })
        const { uploadId } = await api.call('files.beginUpload', { name, size: bytes.length })
        try {
          for (let offset = 0; offset < bytes.length; offset += FILE_CHUNK_BYTES) {
            const chunk = bytes.subarray(offset, offset + FILE_CHUNK_BYTES)
            await api.call('files.uploadChunk', { uploadId, offset, data: toBase64(chunk) })
            progress({ name, phase: 'uploading', done: offset + chunk.length, total: bytes.length })
          }
        } catch (err) {
          // The node holds the announced size for this upload: give it back now, not in two minutes.
          await api.call('files.cancelUpload', { uploadId }).catch(() => undefined)
          throw err
        }
        progress({ name, phase: 'placing', done: bytes.length, total: bytes.length })
        const stored = await api.call('files.finishUpload', { uploadId })
        await refresh()
        return stored
      }, failed)
      progress(null)
      return outcome
    },

    async fetchFile(file: StoredFileInfo) {
      if (get().sharing.fileTransfer != null) return { ok: false, message: 'another file is on its way' }
      const outcome = await outcomeOf(async () => {
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
        return { bytes: out, missing: fetched.missing, tampered: fetched.tampered }
      }, failed)
      progress(null)
      return outcome
    },

    checkFile: (fileId) => outcomeOf(() => api.call('files.check', { fileId }), failed),

    removeFile: (fileId) =>
      outcomeOf(async () => {
        const result = await api.call('files.remove', { fileId })
        await refresh()
        return result
      }, failed),
  }
}

/**
 * Files stored through a node's API on the peers of its network: A uploads a file in chunks; B and C,
 * members of A's network, grant storage leases when asked (C only once it shares storage); the file is
 * sealed for A and put 1 of 2 on them, comes back identical, and with C gone still comes back from B.
 * Each holder answers a storage challenge, and one that is gone is reported so.
 */
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { defaultSharing } from '../app/assets/sharing/defaults'
import { FILE_CHUNK_BYTES, type StoredFileInfo } from '../shared/api'
import { ensureBuilt, startDaemon, waitFor, type Daemon } from './support/daemon'

const MiB = 1024 * 1024

async function upload(node: Daemon, name: string, data: Buffer, kn: { k?: number; n?: number } = {}) {
  const { uploadId } = await node.call('files.beginUpload', { name, size: data.length, ...kn })
  for (let offset = 0; offset < data.length; offset += FILE_CHUNK_BYTES)
    await node.call('files.uploadChunk', {
      uploadId,
      offset,
      data: data.subarray(offset, offset + FILE_CHUNK_BYTES).toString('base64'),
    })
  return node.callRaw('files.finishUpload', { uploadId })
}

async function download(node: Daemon, fileId: string): Promise<{ data: Buffer; missing: string[] }> {
  const fetched = await node.call('files.fetch', { fileId })
  const parts: Buffer[] = []
  for (let offset = 0; offset < fetched.size; offset += FILE_CHUNK_BYTES) {
    const { data } = await node.call('files.readChunk', {
      downloadId: fetched.downloadId,
      offset,
      length: FILE_CHUNK_BYTES,
    })
    parts.push(Buffer.from(data, 'base64'))
  }
  return { data: Buffer.concat(parts), missing: fetched.missing }
}

describe('files stored on the peers of a network', () => {
  const base = mkdtempSync(join(tmpdir(), 'hm-files-'))
  const nodes: Record<'A' | 'B' | 'C', Daemon> = {} as never
  const data = randomBytes(300 * 1024)
  let stored: StoredFileInfo

  const shareStorage = (node: Daemon, minPricePerHour = '0') =>
    node.call('sharing.update', {
      resource: 'storage',
      settings: {
        ...defaultSharing('storage'),
        enabled: true,
        privacy: 'FullPublic',
        diskQuotaBytes: 64 * MiB,
        minPricePerHour,
      },
    })

  beforeAll(async () => {
    ensureBuilt()
    for (const name of ['A', 'B', 'C'] as const) nodes[name] = await startDaemon(join(base, name))
    const { invite } = await nodes.A.call('network.invite', {})
    await nodes.B.call('network.join', { invite })
    await nodes.C.call('network.join', { invite })
    await waitFor(
      'B and C to be members of A’s network',
      async () => (await nodes.A.call('peers.list', {})).length >= 2,
      30_000,
    )
    await shareStorage(nodes.B)
  }, 120_000)

  afterAll(async () => {
    await Promise.all(Object.values(nodes).map((d) => d?.stop()))
    rmSync(base, { recursive: true, force: true })
  })

  it('is refused, with each peer’s reason, while too few peers grant storage', async () => {
    const refused = await upload(nodes.A, 'report.bin', data, { n: 2, k: 1 })
    expect(refused.ok).toBe(false)
    if (!refused.ok)
      expect(refused.error.message).toMatch(
        /^1 of the 2 holders needed granted storage \(.*this resource is not shared/,
      )
    // A price asked is refused too: there is no market to pay it through yet.
    await shareStorage(nodes.C, '1000000')
    const paid = await upload(nodes.A, 'report.bin', data, { n: 2, k: 1 })
    expect(paid.ok).toBe(false)
    if (!paid.ok)
      expect(paid.error.message).toMatch(/asks 1 CAESAR an hour for storage; buy it on the exchange/)
    expect(await nodes.A.call('files.list', {})).toEqual([])
  })

  it('puts the file 1 of 2 on B and C, and gets it back identical', async () => {
    await shareStorage(nodes.C)
    const placed = await upload(nodes.A, 'report.bin', data, { n: 2, k: 1 })
    if (!placed.ok) throw new Error(placed.error.message)
    stored = placed.result as StoredFileInfo
    expect(stored).toMatchObject({ name: 'report.bin', size: data.length, k: 1, n: 2 })
    expect(new Set(stored.holders)).toEqual(new Set([nodes.B.peerId, nodes.C.peerId]))
    expect(await nodes.A.call('files.list', {})).toEqual([stored])
    const back = await download(nodes.A, stored.fileId)
    expect(back.missing).toEqual([])
    expect(back.data.equals(data)).toBe(true)
  })

  it('each holder answers its storage challenge, and is sent A’s receipt for the storage it proved', async () => {
    const checks = await nodes.A.call('files.check', { fileId: stored.fileId })
    expect(checks.map((c) => c.ok)).toEqual([true, true])
    // B keeps the receipt; its claim waits, because B, new to the network, has no CAESAR for the fee.
    await waitFor('B to try to claim A’s storage receipt', async () => {
      const status = await nodes.B.call('rewards.status', {})
      return status.receipts.pending >= 1 && status.lastRefusal != null
    })
    expect((await nodes.B.call('rewards.status', {})).lastRefusal).toMatch(
      /has never received funds; a claim pays the network's fee, so this node's account needs CAESAR first$/,
    )
  })

  it('with C gone, the file still comes back from B, and C is reported unreachable', async () => {
    await nodes.C.stop()
    const back = await download(nodes.A, stored.fileId)
    expect(back.data.equals(data)).toBe(true)
    expect(back.missing).toEqual([nodes.C.peerId])
    const checks = await nodes.A.call('files.check', { fileId: stored.fileId })
    expect(checks.find((c) => c.peer === nodes.C.peerId)).toMatchObject({ ok: false })
    expect(checks.find((c) => c.peer === nodes.B.peerId)).toMatchObject({ ok: true })
  }, 60_000)

  it('refuses chunks out of order or past the size announced, keeping nothing', async () => {
    const { uploadId } = await nodes.A.call('files.beginUpload', { name: 'x', size: 10 })
    const skipped = await nodes.A.callRaw('files.uploadChunk', { uploadId, offset: 5, data: 'AAAA' })
    expect(skipped.ok).toBe(false)
    if (!skipped.ok) expect(skipped.error.message).toMatch(/send the bytes in order: expected offset 0/)
    const over = await nodes.A.callRaw('files.uploadChunk', {
      uploadId,
      offset: 0,
      data: Buffer.alloc(11).toString('base64'),
    })
    expect(over.ok).toBe(false)
    const early = await nodes.A.callRaw('files.finishUpload', { uploadId })
    expect(early.ok).toBe(false)
    if (!early.ok) expect(early.error.message).toMatch(/0 of 10 bytes arrived/)
    // Given up, it holds nothing more, and is gone.
    expect(await nodes.A.call('files.cancelUpload', { uploadId })).toEqual({ cancelled: true })
    expect(await nodes.A.call('files.cancelUpload', { uploadId })).toEqual({ cancelled: false })
    const gone = await nodes.A.callRaw('files.uploadChunk', { uploadId, offset: 0, data: 'AAAA' })
    expect(gone.ok ? 'accepted' : gone.error.message).toMatch(/no such upload/)
    // Announcements the node refuses before taking a byte: too large, one holder, k not below n.
    const refusedBegin = async (params: Record<string, unknown>) => {
      const answer = await nodes.A.callRaw('files.beginUpload', { name: 'x', size: 10, ...params })
      return answer.ok ? 'accepted' : answer.error.message
    }
    expect(await refusedBegin({ size: 64 * MiB + 1 })).toMatch(/files are stored up to 64 MiB/)
    expect(await refusedBegin({ n: 1 })).toMatch(/at least two holders/)
    expect(await refusedBegin({ n: 2, k: 2 })).toMatch(/k is less than n/)
    const unknown = await nodes.A.callRaw('files.readChunk', {
      downloadId: 'a'.repeat(32),
      offset: 0,
      length: 10,
    })
    expect(unknown.ok).toBe(false)
    if (!unknown.ok) expect(unknown.error.message).toMatch(/no such download; fetch the file again/)
    expect((await nodes.A.call('files.list', {})).map((f) => f.fileId)).toEqual([stored.fileId])
  })

  // Last: the uploads it leaves open hold A's room for two minutes.
  it('refuses uploads beyond what the node holds at once, in count and in bytes, with BUSY', async () => {
    const begin = (size: number) => nodes.A.callRaw('files.beginUpload', { name: 'big', size })
    // 64 MiB announced twice fills the 128 MiB that uploads and downloads may hold together.
    const big = await Promise.all([begin(64 * MiB), begin(64 * MiB)])
    expect(big.map((answer) => answer.ok)).toEqual([true, true])
    const bytes = await begin(1)
    expect(bytes.ok).toBe(false)
    if (!bytes.ok) {
      expect(bytes.error.code).toBe('BUSY')
      expect(bytes.error.message).toMatch(/would pass its 134217728-byte limit, so wait for one to finish$/)
    }
    // One given up makes room at once; with three small ones that makes four at once, the most, and a
    // fifth is refused whatever its size.
    const [first] = big
    if (first?.ok === true)
      await nodes.A.call('files.cancelUpload', { uploadId: (first.result as { uploadId: string }).uploadId })
    for (let i = 0; i < 3; i++) expect((await begin(10)).ok).toBe(true)
    const count = await begin(1)
    expect(count.ok).toBe(false)
    if (!count.ok) {
      expect(count.error.code).toBe('BUSY')
      expect(count.error.message).toMatch(/^4 uploads are in progress, the most this node holds at once/)
    }
  })
})

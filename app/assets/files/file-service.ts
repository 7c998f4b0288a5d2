/**
 * Files this node stores on peers: uploaded through the API in chunks, sealed for this node (its ML-KEM
 * key), erasure-coded k of n, and put on n peers that granted a storage lease when asked
 * (`/hypermesh/lease/request/1.0.0`). The manifest and the holders' leases stay in SQLite; a file comes
 * back from any k holders, and each holder can be challenged for a block of its shard.
 */
import type { DatabaseSync } from 'node:sqlite'
import type { Connection } from '@libp2p/interface'
import type { Logger } from 'pino'
import { AssetRequestError } from '../errors'
import {
  FILE_CHUNK_BYTES,
  type FileFetched,
  type FileUploadBegin,
  type HolderCheck,
  type StoredFileInfo,
} from '../../../shared/file-schemas'
import type { SignedLease } from '../../consensus'
import { requestLease } from '../leases/lease-requests'
import { proveForLease } from '../leases/lease-proofs'
import type { ReceiptSigner } from '../proxy/leased-stream'
import { challengeHolder, getFile, putFile, RemoteStorage, type ShardedFile } from '../proxy/storage-client'
import { storageKemKeys } from '../storage/sealed-file'
import { TransferBuffers, type TransferLimits } from './transfer-buffers'

/** How long holders are asked to keep a file: the longest lease an owner issues. */
const STORE_MINUTES = 30 * 24 * 60
const MiB = 1024 * 1024

export interface FileServiceParts {
  db: DatabaseSync
  /** This node's peer id: the holder the leases are asked for. */
  peerId: string
  falcon: { publicKey: Uint8Array; secretKey: Uint8Array }
  /** A connection to a peer: open, direct, or through the relay with the most stake. */
  reach(peer: string): Promise<Connection>
  /** Peers to ask for storage: this network's members and the owners of registered storage, not this node. */
  storageCandidates(): string[]
  receipts: ReceiptSigner
  log: Logger
  now?: () => number
  /** What uploads and downloads may hold in memory at once (tests lower it). */
  transferLimits?: TransferLimits
}

interface Holder {
  peer: string
  lease: SignedLease
  /** Where this node's usage receipts for the holder's storage end (absent: none yet, so the lease's start). */
  receiptedTo?: number
}

/** How often every holder of every file is challenged, paid a receipt for the storage it proved, and renewed when due. */
const AUDIT_EVERY_MS = 60 * 60_000
/** The first check after start: soon, so that a node that runs for less than an hour still renews. */
const FIRST_AUDIT_MS = 60_000
/**
 * A holder's lease is renewed once it ends within this long: its last week (of 30 days). A holder deletes
 * a file's shards when their lease ends, so a file stays for as long as this node runs at least once in
 * every such week.
 */
export const RENEW_WITHIN_MS = 7 * 24 * 3600_000

export class FileService {
  readonly name = 'files'
  private readonly transfers: TransferBuffers
  private auditTimer: NodeJS.Timeout | null = null
  private firstAudit: NodeJS.Timeout | null = null

  constructor(private readonly parts: FileServiceParts) {
    this.transfers = new TransferBuffers(() => this.now, parts.transferLimits)
  }

  private get now(): number {
    return (this.parts.now ?? Date.now)()
  }

  /** Refused (BUSY) when the uploads and downloads in progress already hold what this node allows. */
  beginUpload(begin: FileUploadBegin): { uploadId: string } {
    return { uploadId: this.transfers.beginUpload(begin) }
  }

  uploadChunk({ uploadId, offset, data }: { uploadId: string; offset: number; data: string }): {
    received: number
  } {
    return { received: this.transfers.addChunk(uploadId, offset, Buffer.from(data, 'base64')) }
  }

  /** Drops an upload and the memory it holds; false if there was none (finished, cancelled, timed out). */
  cancelUpload(uploadId: string): boolean {
    return this.transfers.cancelUpload(uploadId)
  }

  /** Places the uploaded file on holders; refused with the reasons when too few grant storage. */
  async finishUpload(uploadId: string): Promise<StoredFileInfo> {
    const upload = this.transfers.takeUpload(uploadId)
    try {
      return await this.place(upload.begin, upload.bytes)
    } finally {
      upload.release()
    }
  }

  private async place(begin: FileUploadBegin, bytes: Uint8Array): Promise<StoredFileInfo> {
    const candidates = this.parts.storageCandidates()
    const n = begin.n ?? Math.min(5, candidates.length)
    const k = begin.k ?? Math.max(1, Math.floor((n * 3) / 5))
    if (n < 2)
      throw new AssetRequestError(
        'bad-request',
        `a file is kept on at least two peers, and ${candidates.length === 0 ? 'no peer' : 'only one peer'} is known to ask: join a network whose members share storage, or ask peers to share theirs with you`,
      )
    if (k >= n)
      throw new AssetRequestError(
        'bad-request',
        `k of n needs k below n (some holders may go), not ${k} of ${n}`,
      )
    const perHolder = Math.ceil(bytes.length / k) + MiB * Math.ceil(bytes.length / (k * 8 * MiB) + 1)
    const holders = await this.leaseHolders(candidates, n, perHolder)
    const stores = await Promise.all(holders.map((h) => this.open(h)))
    try {
      const file = await putFile(bytes, stores, storageKemKeys(this.parts.falcon.secretKey).publicKey, k)
      const fileId = file.segments[0]!.fileId
      this.parts.db
        .prepare(
          'INSERT OR REPLACE INTO stored_files (file_id, name, size, k, holders, manifest, stored_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
        )
        .run(fileId, begin.name, file.size, k, JSON.stringify(holders), JSON.stringify(file), this.now)
      return this.infoOf(fileId)
    } catch (err) {
      throw new AssetRequestError('unreachable', `the file could not be placed: ${(err as Error).message}`, {
        cause: err,
      })
    } finally {
      await Promise.all(stores.map((s) => s.close()))
    }
  }

  list(): StoredFileInfo[] {
    const rows = this.parts.db.prepare('SELECT file_id FROM stored_files ORDER BY stored_at DESC').all() as {
      file_id: string
    }[]
    return rows.map((r) => this.infoOf(r.file_id))
  }

  /** Gets a stored file back into memory, to be read in chunks; refused (BUSY) when transfers hold too much. */
  async fetch(fileId: string): Promise<FileFetched> {
    const { name, holders, file } = this.stored(fileId)
    const room = this.transfers.reserveDownload(file.size)
    const stores = await Promise.all(holders.map((h) => this.open(h).catch(() => null)))
    try {
      const got = await getFile(file, stores, storageKemKeys(this.parts.falcon.secretKey).secretKey)
      const downloadId = room.add(name, got.data)
      const peers = (indexes: number[]) => indexes.map((i) => holders[i]!.peer)
      return {
        downloadId,
        name,
        size: got.data.length,
        missing: peers(got.missing),
        tampered: peers(got.tampered),
      }
    } catch (err) {
      if (err instanceof AssetRequestError) throw err
      throw new AssetRequestError('unreachable', `too few holders answered: ${(err as Error).message}`, {
        cause: err,
      })
    } finally {
      room.release()
      await Promise.all(stores.map((s) => s?.close()))
    }
  }

  readChunk({ downloadId, offset, length }: { downloadId: string; offset: number; length: number }): {
    data: string
  } {
    const part = this.transfers.readChunk(downloadId, offset, Math.min(length, FILE_CHUNK_BYTES))
    return { data: Buffer.from(part).toString('base64') }
  }

  /**
   * Challenges every holder for a random block of its shard of every segment. A holder that passes is
   * sent this node's usage receipt for its storage since the last one: storage rewards are backed by
   * storage proofs.
   */
  async check(fileId: string): Promise<HolderCheck[]> {
    const { holders, file } = this.stored(fileId)
    return Promise.all(
      holders.map(async (holder, index) => {
        const check = await this.audit(holder, index, file)
        this.keepHolder(fileId, index, holder.lease, holder)
        return check
      }),
    )
  }

  /**
   * Renews each holder lease of a stored file that ends within RENEW_WITHIN_MS: asks the holder for a lease
   * that renews it, keeps that at once, and uses it at once (a challenge of each segment), which is when
   * the holder hands the shards over to it. Returns the holders renewed and why any were not.
   */
  async renew(fileId: string): Promise<{ renewed: string[]; refused: string[] }> {
    const { holders, file } = this.stored(fileId)
    const renewed: string[] = []
    const refused: string[] = []
    const due = (h: Holder) =>
      h.lease.terms.endsAt > this.now && h.lease.terms.endsAt - this.now <= RENEW_WITHIN_MS
    await Promise.all(
      holders.map(async (holder, index) => {
        if (!due(holder)) return
        try {
          const lease = await requestLease(
            await this.parts.reach(holder.peer),
            {
              resource: 'storage',
              amountBytes: Number(holder.lease.terms.amount),
              minutes: STORE_MINUTES,
              renews: holder.lease.terms.leaseId,
            },
            (asked) => proveForLease(asked, this.parts.peerId, this.parts.falcon),
          )
          const next: Holder = { peer: holder.peer, lease }
          this.keepHolder(fileId, index, holder.lease, next)
          const check = await this.audit(next, index, file)
          this.keepHolder(fileId, index, lease, next)
          if (!check.ok) throw new Error(check.detail)
          renewed.push(holder.peer)
        } catch (err) {
          refused.push(`${holder.peer.slice(-8)}: ${(err as Error).message}`)
        }
      }),
    )
    if (refused.length > 0)
      this.parts.log.warn({ fileId, refused }, 'holder leases of a stored file could not be renewed yet')
    return { renewed, refused }
  }

  /** Checks (and renews what is due of) every stored file soon after start, then every `everyMs` (an hour). */
  start(everyMs = AUDIT_EVERY_MS): void {
    this.firstAudit = setTimeout(() => void this.checkAll(), Math.min(FIRST_AUDIT_MS, everyMs))
    this.firstAudit.unref()
    this.auditTimer = setInterval(() => void this.checkAll(), everyMs)
    this.auditTimer.unref()
  }

  stop(): void {
    if (this.firstAudit != null) clearTimeout(this.firstAudit)
    if (this.auditTimer != null) clearInterval(this.auditTimer)
  }

  private async checkAll(): Promise<void> {
    for (const { fileId } of this.list()) {
      const failed = (await this.check(fileId).catch(() => [])).filter((c) => !c.ok)
      if (failed.length > 0)
        this.parts.log.warn({ fileId, failed }, 'holders of a stored file failed their checks')
      await this.renew(fileId).catch((err: unknown) =>
        this.parts.log.warn({ err, fileId }, 'could not renew the leases of a stored file'),
      )
    }
  }

  /**
   * Records `next` as holder `index` of a file, if that holder still holds `current` (a check and a
   * renewal may overlap; neither undoes the other). Synchronous: read, change and write happen at once.
   */
  private keepHolder(fileId: string, index: number, current: SignedLease, next: Holder): void {
    let holders: Holder[]
    try {
      holders = this.stored(fileId).holders
    } catch {
      return // removed meanwhile
    }
    if (holders[index]?.lease.terms.leaseId !== current.terms.leaseId) return
    holders[index] = next
    this.parts.db
      .prepare('UPDATE stored_files SET holders = ? WHERE file_id = ?')
      .run(JSON.stringify(holders), fileId)
  }

  /** One holder's challenges; where it passes, its receipt (moving `holder.receiptedTo` on). */
  private async audit(holder: Holder, index: number, file: ShardedFile): Promise<HolderCheck> {
    let store: RemoteStorage
    try {
      store = await this.open(holder)
    } catch (err) {
      return { peer: holder.peer, ok: false, detail: `not reachable: ${(err as Error).message}` }
    }
    try {
      for (const segment of file.segments)
        if (!(await challengeHolder(segment, store, index)))
          return { peer: holder.peer, ok: false, detail: 'failed its challenge: it does not hold its shard' }
      store.sendReceipts(holder.lease.terms, this.parts.receipts, {
        since: holder.receiptedTo ?? holder.lease.terms.startsAt,
      })
      return { peer: holder.peer, ok: true, detail: `answered ${file.segments.length} challenge(s)` }
    } finally {
      await store.close()
      holder.receiptedTo = store.receiptedTo() ?? holder.receiptedTo
    }
  }

  async remove(fileId: string): Promise<{ removedFrom: number }> {
    const { holders, file } = this.stored(fileId)
    let removedFrom = 0
    await Promise.all(
      holders.map(async (holder, index) => {
        try {
          const store = await this.open(holder)
          for (const segment of file.segments) await store.delete(segment.fileId, index)
          await store.close()
          removedFrom++
        } catch (err) {
          this.parts.log.info({ err, peer: holder.peer }, 'a holder could not delete its shard')
        }
      }),
    )
    this.parts.db.prepare('DELETE FROM stored_files WHERE file_id = ?').run(fileId)
    return { removedFrom }
  }

  /** Asks candidates for storage leases, in order, until `n` granted; refuses with each one's reason. */
  private async leaseHolders(candidates: string[], n: number, amountBytes: number): Promise<Holder[]> {
    const holders: Holder[] = []
    const refusals: string[] = []
    for (const peer of candidates) {
      if (holders.length === n) break
      try {
        const lease = await requestLease(
          await this.parts.reach(peer),
          { resource: 'storage', amountBytes, minutes: STORE_MINUTES },
          // The owner's terms may require proofs: a VDF or work over its challenge, a staked key's signature.
          (asked) => proveForLease(asked, this.parts.peerId, this.parts.falcon),
        )
        holders.push({ peer, lease })
      } catch (err) {
        refusals.push(`${peer.slice(-8)}: ${(err as Error).message}`)
      }
    }
    if (holders.length < n)
      throw new AssetRequestError(
        'bad-request',
        `${holders.length} of the ${n} holders needed granted storage${refusals.length > 0 ? ` (${refusals.join('; ')})` : ''}; store with fewer holders, or ask more peers to share storage`,
      )
    return holders
  }

  private async open(holder: Holder): Promise<RemoteStorage> {
    return RemoteStorage.open(await this.parts.reach(holder.peer), holder.lease)
  }

  private stored(fileId: string): {
    name: string
    k: number
    holders: Holder[]
    file: ShardedFile
    storedAt: number
  } {
    const row = this.parts.db
      .prepare('SELECT name, k, holders, manifest, stored_at FROM stored_files WHERE file_id = ?')
      .get(fileId) as
      { name: string; k: number; holders: string; manifest: string; stored_at: number } | undefined
    if (row == null) throw new AssetRequestError('not-found', `no stored file ${fileId.slice(0, 12)}…`)
    try {
      return {
        name: row.name,
        k: row.k,
        holders: JSON.parse(row.holders) as Holder[],
        file: JSON.parse(row.manifest) as ShardedFile,
        storedAt: row.stored_at,
      }
    } catch (err) {
      throw new AssetRequestError('internal', `the record of file ${fileId.slice(0, 12)}… is damaged`, {
        cause: err,
      })
    }
  }

  private infoOf(fileId: string): StoredFileInfo {
    const { name, k, holders, file, storedAt } = this.stored(fileId)
    return {
      fileId,
      name,
      size: file.size,
      k,
      n: holders.length,
      holders: holders.map((h) => h.peer),
      storedAt,
      expiresAt: Math.min(...holders.map((h) => h.lease.terms.endsAt)),
    }
  }
}

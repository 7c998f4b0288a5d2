/**
 * The holder's side of sharded storage: shards kept as files in one directory, under the storage terms'
 * quota and keep-free space. The node is the only writer of that directory, so checking every write here
 * enforces both: a write that would pass the quota, or leave the disk with less free space than the owner
 * keeps, is refused with the reason and nothing is written. Writes go to a temporary file first, flushed
 * to the disk before it takes the shard's name (and the name flushed too), so a crash never leaves half a
 * shard under its name, nor loses one whose put was answered ok.
 */
import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statfsSync,
  statSync,
  writeSync,
} from 'node:fs'
import { join } from 'node:path'

export interface StorageLimits {
  /** The most the shards may take together; null: no quota (keep-free still holds). */
  quotaBytes: number | null
  keepFreeBytes: number
}

export class StorageRefusal extends Error {
  constructor(
    readonly code: 'over-quota' | 'disk-full' | 'bad-name' | 'over-lease' | 'expired',
    message: string,
  ) {
    super(message)
    this.name = 'StorageRefusal'
  }
}

const NAME = /^[0-9a-f]{64}\.[0-9]{1,3}$/

export class ShardStore {
  private used = 0

  constructor(
    readonly dir: string,
    private readonly limits: () => StorageLimits,
  ) {
    mkdirSync(dir, { recursive: true })
    for (const name of readdirSync(dir)) {
      if (name.endsWith('.part')) rmSync(join(dir, name), { force: true })
      else if (NAME.test(name)) this.used += statSync(join(dir, name)).size
    }
  }

  /** Bytes the shards take now. */
  get usedBytes(): number {
    return this.used
  }

  /** Stores a shard under `fileId.index`; replacing one counts only the difference. */
  put(fileId: string, index: number, bytes: Uint8Array): void {
    const name = this.nameOf(fileId, index)
    const path = join(this.dir, name)
    const previous = this.sizeOf(path)
    const growth = bytes.length - previous
    const { quotaBytes, keepFreeBytes } = this.limits()
    if (quotaBytes != null && this.used + growth > quotaBytes)
      throw new StorageRefusal(
        'over-quota',
        `storing ${bytes.length} bytes would take shared storage to ${this.used + growth} of its ${quotaBytes}-byte quota`,
      )
    const stats = statfsSync(this.dir)
    const free = Number(stats.bavail) * Number(stats.bsize)
    if (free - growth < keepFreeBytes)
      throw new StorageRefusal(
        'disk-full',
        `storing ${bytes.length} bytes would leave less than the ${keepFreeBytes} bytes kept free`,
      )
    const fd = openSync(`${path}.part`, 'w', 0o600)
    try {
      writeSync(fd, bytes)
      fsyncSync(fd)
    } finally {
      closeSync(fd)
    }
    renameSync(`${path}.part`, path)
    this.syncDir()
    this.used += growth
  }

  /** The shards kept here: file id (the holder's shard key), index, and when each was written. */
  list(): { fileId: string; index: number; writtenAt: number }[] {
    return readdirSync(this.dir)
      .filter((name) => NAME.test(name))
      .map((name) => {
        const [fileId, index] = name.split('.') as [string, string]
        return { fileId, index: Number(index), writtenAt: this.mtimeOf(join(this.dir, name)) }
      })
  }

  get(fileId: string, index: number): Uint8Array | null {
    try {
      return new Uint8Array(readFileSync(join(this.dir, this.nameOf(fileId, index))))
    } catch {
      return null
    }
  }

  delete(fileId: string, index: number): void {
    const path = join(this.dir, this.nameOf(fileId, index))
    this.used -= this.sizeOf(path)
    rmSync(path, { force: true })
  }

  private nameOf(fileId: string, index: number): string {
    const name = `${fileId}.${index}`
    if (!NAME.test(name))
      throw new StorageRefusal('bad-name', 'a shard is named by a 64-hex file id and an index 0–999')
    return name
  }

  private syncDir(): void {
    // Windows cannot open a directory to flush it; its rename is durable once NTFS commits its journal.
    if (process.platform === 'win32') return
    const fd = openSync(this.dir, 'r')
    try {
      fsyncSync(fd)
    } finally {
      closeSync(fd)
    }
  }

  private mtimeOf(path: string): number {
    try {
      return statSync(path).mtimeMs
    } catch {
      return 0
    }
  }

  private sizeOf(path: string): number {
    try {
      return statSync(path).size
    } catch {
      return 0
    }
  }
}

/**
 * The ledger on disk: committed blocks with their commits, and the validator's signing guard, in the node's
 * SQLite database, one chain per network. Every row is read back through the consensus schemas, so a damaged
 * database is reported with its height instead of feeding the chain bad data.
 */
import type { DatabaseSync, StatementSync } from 'node:sqlite'
import { z } from 'zod'
import { Block, blockHash, Commit } from '../block'
import type { BlockStore, CommittedBlock } from '../chain'
import type { SignedPosition, SigningGuard } from '../signing-guard'
import type { LockRecord } from '../lock-record'
import { Proposal, Vote } from '../votes'

export class LedgerStoreError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'LedgerStoreError'
  }
}

interface BlockRow {
  height: number
  hash: string
  block: string
  commit_json: string
}

export class SqliteBlockStore implements BlockStore {
  private readonly insert: StatementSync
  private readonly byHeight: StatementSync
  private readonly inOrder: StatementSync
  private readonly top: StatementSync

  constructor(
    private readonly db: DatabaseSync,
    private readonly networkId: string,
  ) {
    this.insert = db.prepare(
      'INSERT INTO blocks (network_id, height, hash, block, commit_json, time_ms) VALUES (?, ?, ?, ?, ?, ?)',
    )
    this.byHeight = db.prepare(
      'SELECT height, hash, block, commit_json FROM blocks WHERE network_id = ? AND height = ?',
    )
    this.inOrder = db.prepare(
      'SELECT height, hash, block, commit_json FROM blocks WHERE network_id = ? ORDER BY height',
    )
    this.top = db.prepare('SELECT MAX(height) AS h FROM blocks WHERE network_id = ?')
  }

  /** The last stored height (0 when the chain has only its genesis). */
  get height(): number {
    const row = this.top.get(this.networkId) as { h: number | null }
    return row.h ?? 0
  }

  append(entry: CommittedBlock): void {
    const { height } = entry.block.header
    const expected = this.height + 1
    if (height !== expected)
      throw new LedgerStoreError(`the block store expects height ${expected}, not ${height}`)
    this.insert.run(
      this.networkId,
      height,
      entry.hash,
      JSON.stringify(entry.block),
      JSON.stringify(entry.commit),
      entry.block.header.timeMs,
    )
  }

  *all(): Iterable<CommittedBlock> {
    let expected = 1
    for (const row of this.inOrder.iterate(this.networkId) as Iterable<BlockRow>) {
      if (row.height !== expected)
        throw new LedgerStoreError(`the stored chain is missing block ${expected}; resync the chain`)
      yield this.decode(row)
      expected++
    }
  }

  get(height: number): CommittedBlock | undefined {
    const row = this.byHeight.get(this.networkId, height) as BlockRow | undefined
    return row == null ? undefined : this.decode(row)
  }

  /** Up to `limit` blocks ending at `toHeight`, newest first (the chain view). */
  recent(toHeight: number, limit: number): CommittedBlock[] {
    const out: CommittedBlock[] = []
    for (let h = toHeight; h >= 1 && out.length < limit; h--) {
      const entry = this.get(h)
      if (entry != null) out.push(entry)
    }
    return out
  }

  /** Forgets this network's chain (a resync after damage). */
  clear(): void {
    this.db.prepare('DELETE FROM blocks WHERE network_id = ?').run(this.networkId)
  }

  private decode(row: BlockRow): CommittedBlock {
    const damaged = (why: string): never => {
      throw new LedgerStoreError(`stored block ${row.height} is damaged (${why}); resync the chain`)
    }
    let json: { block: unknown; commit: unknown }
    try {
      json = { block: JSON.parse(row.block), commit: JSON.parse(row.commit_json) }
    } catch {
      return damaged('not JSON')
    }
    const block = Block.safeParse(json.block)
    const commit = Commit.safeParse(json.commit)
    if (!block.success) return damaged(block.error.issues[0]?.message ?? 'malformed block')
    if (!commit.success) return damaged(commit.error.issues[0]?.message ?? 'malformed commit')
    if (block.data.header.height !== row.height) damaged(`it says height ${block.data.header.height}`)
    if (blockHash(block.data.header) !== row.hash) damaged('its hash does not match')
    return { block: block.data, commit: commit.data, hash: row.hash }
  }
}

const StoredLock = z
  .object({
    height: z.number().int().min(1),
    lockedRound: z.number().int().min(-1),
    validRound: z.number().int().min(-1),
    values: z.array(z.object({ proposal: Proposal, block: Block }).strict()).max(2),
  })
  .strict()
  .refine(
    (lock) =>
      lock.values.every(
        (v) => v.proposal.height === lock.height && blockHash(v.block.header) === v.proposal.blockHash,
      ),
    'a locked block does not match its proposal',
  )

const StoredPosition = z
  .object({
    height: z.number().int().min(1),
    round: z.number().int().min(0),
    step: z.number().int().min(0).max(2),
    votes: z.array(Vote),
    // Absent in records written before locks were kept.
    lock: StoredLock.nullable().optional(),
  })
  .strict()

/**
 * The last (height, round, step) this validator signed, with its votes and its lock at that height, written
 * before the signature leaves the node. SQLite commits synchronously (WAL), so after a crash the guard never
 * forgets a signature it allowed, nor the lock it held when it signed.
 */
export class SqliteSigningGuard implements SigningGuard {
  private cached: SignedPosition | null | undefined
  /** The lock's JSON, kept while the lock is unchanged: it holds whole blocks, and every vote is saved. */
  private lockJson: { lock: LockRecord; json: string } | null = null

  constructor(
    private readonly db: DatabaseSync,
    private readonly networkId: string,
  ) {}

  load(): SignedPosition | null {
    if (this.cached !== undefined) return this.cached
    const row = this.db
      .prepare('SELECT position FROM signing_guard WHERE network_id = ?')
      .get(this.networkId) as { position: string } | undefined
    if (row == null) return (this.cached = null)
    let parsed: ReturnType<typeof StoredPosition.safeParse>
    try {
      parsed = StoredPosition.safeParse(JSON.parse(row.position))
    } catch {
      parsed = StoredPosition.safeParse(null)
    }
    // Refusing to start is the only safe answer: signing without knowing what was signed risks equivocation.
    if (!parsed.success)
      throw new LedgerStoreError(
        'the validator signing record is damaged; the node will not sign until it is restored from a backup',
      )
    return (this.cached = parsed.data)
  }

  save(position: SignedPosition): void {
    const { lock, ...signed } = position
    let json = JSON.stringify(signed)
    if (lock != null) {
      if (this.lockJson?.lock !== lock) this.lockJson = { lock, json: JSON.stringify(lock) }
      json = `${json.slice(0, -1)},"lock":${this.lockJson.json}}`
    }
    this.db
      .prepare(
        'INSERT INTO signing_guard (network_id, position) VALUES (?, ?) ' +
          'ON CONFLICT (network_id) DO UPDATE SET position = excluded.position',
      )
      .run(this.networkId, json)
    this.cached = position
  }
}

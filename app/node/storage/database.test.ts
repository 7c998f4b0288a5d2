import { describe, it, expect } from 'vitest'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openDatabase, schemaVersion } from './database'
import { migrations } from './migrations'

describe('database', () => {
  it('opens in WAL mode at the latest schema', () => {
    const db = openDatabase(join(mkdtempSync(join(tmpdir(), 'hm-db-')), 'node.db'))
    expect((db.prepare('PRAGMA journal_mode').get() as { journal_mode: string }).journal_mode).toBe('wal')
    expect(schemaVersion(db)).toBe(Math.max(...migrations.map((m) => m.version)))
    db.close()
  })
})

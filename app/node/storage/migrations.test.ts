import { describe, it, expect, afterEach } from 'vitest'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { applyMigrations, databasePath, MigrationError, openDatabase, schemaVersion } from './database'
import { migrations, type Migration } from './migrations'

const dirs: string[] = []
const openDbs: DatabaseSync[] = []
const tempDbPath = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'hm-migrations-'))
  dirs.push(dir)
  return databasePath(dir)
}
const track = (db: DatabaseSync): DatabaseSync => {
  openDbs.push(db)
  return db
}
afterEach(() => {
  for (const db of openDbs.splice(0)) if (db.isOpen) db.close()
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

const LATEST = Math.max(...migrations.map((m) => m.version))

const tables = (db: DatabaseSync): string[] =>
  (
    db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as {
      name: string
    }[]
  ).map((r) => r.name)

const insertNetwork = (db: DatabaseSync, id: string): void => {
  db.prepare(
    'INSERT INTO networks (network_id, name, genesis, own_devnet, joined_at) VALUES (?, ?, ?, ?, ?)',
  ).run(id, 'Net ' + id.slice(0, 4), '{"version":1}', 1, 1_700_000_000_000)
}

const snapshot = (path: string): { tables: string[]; migrations: unknown[]; networks: unknown[] } => {
  const db = new DatabaseSync(path, { readOnly: true })
  try {
    const names = tables(db)
    return {
      tables: names,
      migrations: db.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all(),
      networks: names.includes('networks')
        ? db.prepare('SELECT * FROM networks ORDER BY network_id').all()
        : [],
    }
  } finally {
    db.close()
  }
}

function migrationError(fn: () => unknown): MigrationError {
  try {
    fn()
  } catch (err) {
    expect(err).toBeInstanceOf(MigrationError)
    return err as MigrationError
  }
  throw new Error('expected a MigrationError')
}

describe('schema migrations', () => {
  it('applies every migration once, in order, on a fresh database', () => {
    const db = track(openDatabase(tempDbPath()))
    expect(schemaVersion(db)).toBe(LATEST)
    const applied = db.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all()
    expect(applied).toEqual(migrations.map((m) => ({ version: m.version, name: m.name })))
    expect(tables(db)).toEqual(
      expect.arrayContaining(['networks', 'node_state', 'known_peers', 'schema_migrations']),
    )
    expect((db.prepare('PRAGMA foreign_keys').get() as { foreign_keys: number }).foreign_keys).toBe(1)
  })

  it('re-opening is a no-op that keeps the stored rows', () => {
    const path = tempDbPath()
    const first = track(openDatabase(path))
    insertNetwork(first, 'aa'.repeat(32))
    first.close()

    const second = track(openDatabase(path))
    expect(schemaVersion(second)).toBe(LATEST)
    expect((second.prepare('SELECT COUNT(*) AS n FROM schema_migrations').get() as { n: number }).n).toBe(
      migrations.length,
    )
    expect(second.prepare('SELECT network_id, name FROM networks').all()).toEqual([
      { network_id: 'aa'.repeat(32), name: 'Net aaaa' },
    ])
    // Applying again on an open, current database changes nothing either.
    applyMigrations(second, migrations)
    expect(schemaVersion(second)).toBe(LATEST)
    expect((second.prepare('SELECT COUNT(*) AS n FROM networks').get() as { n: number }).n).toBe(1)
  })

  it('refuses a data dir written by a newer schema and leaves the database unchanged', () => {
    const path = tempDbPath()
    const newer: Migration[] = [
      ...migrations,
      {
        version: LATEST + 1,
        name: 'from the future',
        sql: 'CREATE TABLE future_things (id INTEGER PRIMARY KEY)',
      },
    ]
    const db = track(openDatabase(path, newer))
    insertNetwork(db, 'bb'.repeat(32))
    db.close()
    const before = snapshot(path)
    const bytesBefore = readFileSync(path)

    const err = migrationError(() => openDatabase(path))
    expect(err.message).toContain('newer')
    expect(err.message).toContain(String(LATEST + 1))

    expect(snapshot(path)).toEqual(before)
    expect(before.tables).toContain('future_things')
    expect(readFileSync(path).equals(bytesBefore)).toBe(true)
  })

  it('rolls back a failing migration: the version stays and no partial table remains', () => {
    const path = tempDbPath()
    const broken: Migration[] = [
      ...migrations,
      {
        version: LATEST + 1,
        name: 'half good, half bad',
        sql: `CREATE TABLE partial_one (id INTEGER PRIMARY KEY);
              INSERT INTO partial_one (id) VALUES (1);
              CREATE TABLEE broken (id INTEGER);`,
      },
    ]
    const err = migrationError(() => openDatabase(path, broken))
    expect(err.message).toContain(`migration ${LATEST + 1}`)
    expect(err.message).toContain('half good, half bad')

    const after = snapshot(path)
    expect(after.migrations).toEqual(migrations.map((m) => ({ version: m.version, name: m.name })))
    expect(after.tables).not.toContain('partial_one')
    expect(after.tables).not.toContain('broken')

    // The earlier migrations stayed applied, and the database still opens with the good list.
    const db = track(openDatabase(path))
    expect(schemaVersion(db)).toBe(LATEST)
  })

  it('rolls back a failing migration in an existing database without touching its rows', () => {
    const path = tempDbPath()
    const db = track(openDatabase(path))
    insertNetwork(db, 'cc'.repeat(32))
    db.close()

    const broken: Migration[] = [
      ...migrations,
      {
        version: LATEST + 1,
        name: 'drop then fail',
        sql: 'DELETE FROM networks; SELECT * FROM no_such_table;',
      },
    ]
    migrationError(() => openDatabase(path, broken))
    const after = snapshot(path)
    expect(after.networks).toHaveLength(1)
    expect(after.migrations).toHaveLength(migrations.length)
  })

  it('refuses migration lists whose versions do not run 1, 2, 3…', () => {
    const m = (version: number): Migration => ({
      version,
      name: `m${version}`,
      sql: `CREATE TABLE t${version} (x)`,
    })
    for (const list of [[m(1), m(3)], [m(2)], [m(1), m(1)], [m(0), m(1)], [m(1), m(2), m(4)]]) {
      const path = tempDbPath()
      const err = migrationError(() => openDatabase(path, list))
      expect(err.message).toContain('1, 2, 3')
      // Nothing of the list was applied.
      const after = snapshot(path)
      expect(after.migrations).toEqual([])
      expect(after.tables.filter((t) => /^t\d$/.test(t))).toEqual([])
    }
  })

  it('accepts a list given out of order, applying it in version order', () => {
    const path = tempDbPath()
    const list: Migration[] = [
      { version: 2, name: 'second', sql: 'INSERT INTO t1 (x) VALUES (2)' },
      { version: 1, name: 'first', sql: 'CREATE TABLE t1 (x INTEGER)' },
    ]
    const db = track(openDatabase(path, list))
    expect(schemaVersion(db)).toBe(2)
    expect(db.prepare('SELECT x FROM t1').all()).toEqual([{ x: 2 }])
  })

  it('closes the database when opening fails', () => {
    const path = tempDbPath()
    migrationError(() => openDatabase(path, [{ version: 2, name: 'bad', sql: '' }]))
    // Another connection can take a write lock at once, so nothing was left open.
    const db = track(new DatabaseSync(path))
    db.exec('BEGIN IMMEDIATE; COMMIT')
    expect(existsSync(path)).toBe(true)
  })
})

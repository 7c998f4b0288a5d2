/**
 * The node's embedded database: SQLite from node:sqlite, in WAL mode, in `<dataDir>/node.db`.
 * Opening applies pending migrations in order, each in its own transaction.
 */
import { DatabaseSync } from 'node:sqlite'
import { join } from 'node:path'
import { migrations as defaultMigrations, type Migration } from './migrations'

export class MigrationError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'MigrationError'
  }
}

export const databasePath = (dataDir: string): string => join(dataDir, 'node.db')

export function openDatabase(
  path: string,
  migrations: readonly Migration[] = defaultMigrations,
): DatabaseSync {
  const db = new DatabaseSync(path)
  try {
    db.exec('PRAGMA journal_mode = WAL')
    db.exec('PRAGMA foreign_keys = ON')
    db.exec('PRAGMA busy_timeout = 5000')
    applyMigrations(db, migrations)
    return db
  } catch (err) {
    db.close()
    throw err
  }
}

export function schemaVersion(db: DatabaseSync): number {
  const row = db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number | null }
  return row.v ?? 0
}

export function applyMigrations(db: DatabaseSync, migrations: readonly Migration[]): void {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`)
  const sorted = [...migrations].sort((a, b) => a.version - b.version)
  sorted.forEach((m, i) => {
    if (m.version !== i + 1)
      throw new MigrationError(`migration versions must run 1, 2, 3…; found ${m.version} at ${i + 1}`)
  })
  const current = schemaVersion(db)
  const latest = sorted.at(-1)?.version ?? 0
  if (current > latest) {
    throw new MigrationError(
      `this data dir was written by a newer HyperMesh (schema ${current}, this build knows ${latest}); update the app`,
    )
  }
  for (const m of sorted) {
    if (m.version <= current) continue
    db.exec('BEGIN IMMEDIATE')
    try {
      db.exec(m.sql)
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
        m.version,
        m.name,
        Date.now(),
      )
      db.exec('COMMIT')
    } catch (err) {
      db.exec('ROLLBACK')
      throw new MigrationError(`migration ${m.version} (${m.name}) failed: ${(err as Error).message}`)
    }
  }
}

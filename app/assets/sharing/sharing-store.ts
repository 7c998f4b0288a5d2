/**
 * Sharing settings in the node's SQLite, one row per resource. A row that no longer parses (written by a
 * newer version, or damaged) is reported and left as it is, and the resource runs on defaults until its
 * owner saves new terms: what was stored is never overwritten unasked.
 */
import type { DatabaseSync } from 'node:sqlite'
import { RESOURCE_KINDS, SharingSettings, type ResourceKind } from '../../../shared/sharing-schemas'
import { defaultSharing } from './defaults'

export interface LoadedSharing {
  settings: Record<ResourceKind, SharingSettings>
  /** Rows that did not parse, with why. */
  unreadable: { resource: ResourceKind; reason: string }[]
}

export class SharingStore {
  constructor(private readonly db: DatabaseSync) {}

  load(): LoadedSharing {
    const settings = Object.fromEntries(RESOURCE_KINDS.map((k) => [k, defaultSharing(k)])) as Record<
      ResourceKind,
      SharingSettings
    >
    const unreadable: LoadedSharing['unreadable'] = []
    const rows = this.db.prepare('SELECT resource, settings FROM sharing_settings').all() as {
      resource: ResourceKind
      settings: string
    }[]
    for (const row of rows) {
      try {
        const parsed = SharingSettings.safeParse(JSON.parse(row.settings))
        if (parsed.success) settings[row.resource] = parsed.data
        else unreadable.push({ resource: row.resource, reason: parsed.error.issues[0]?.message ?? 'invalid' })
      } catch (err) {
        unreadable.push({ resource: row.resource, reason: `not JSON: ${(err as Error).message}` })
      }
    }
    return { settings, unreadable }
  }

  save(resource: ResourceKind, settings: SharingSettings): void {
    this.db
      .prepare(
        `INSERT INTO sharing_settings (resource, settings, updated_at) VALUES (?, ?, ?)
         ON CONFLICT (resource) DO UPDATE SET settings = excluded.settings, updated_at = excluded.updated_at`,
      )
      .run(resource, JSON.stringify(SharingSettings.parse(settings)), Date.now())
  }
}

/**
 * Structured logs (pino): always to `<dataDir>/logs/node.log`, bounded in size with a few older files
 * beside it (./log-file.ts), and to stdout when asked.
 */
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import pino, { type Logger } from 'pino'
import { RotatingLogFile } from './log-file'

export type { Logger } from 'pino'

export interface LoggerInit {
  dataDir: string
  level?: string
  toConsole?: boolean
}

export function logFilePath(dataDir: string): string {
  return join(dataDir, 'logs', 'node.log')
}

export function createLogger(init: LoggerInit): Logger {
  mkdirSync(join(init.dataDir, 'logs'), { recursive: true, mode: 0o700 })
  const level = init.level ?? process.env.HYPERMESH_LOG_LEVEL ?? 'info'
  // Synchronous destinations: a crash must not lose the lines that explain it.
  const file = new RotatingLogFile(logFilePath(init.dataDir))
  const streams: pino.StreamEntry[] = [{ level: level as pino.Level, stream: file }]
  if (init.toConsole === true)
    streams.push({ level: level as pino.Level, stream: pino.destination({ fd: 1, sync: true }) })
  return pino({ level, base: { pid: process.pid } }, pino.multistream(streams))
}

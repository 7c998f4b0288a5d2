/**
 * Issue 17, item 7: the node's log file was unbounded, so anything that made the node log a lot filled the
 * disk. Now it is rotated: bounded in size, with a few older files kept.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { RotatingLogFile } from './log-file'
import { createLogger, logFilePath } from './logger'

const dirs: string[] = []
const tempDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'hm-log-'))
  dirs.push(dir)
  return dir
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

describe('the rotating log file', () => {
  it('keeps at most `keep` older files of at most maxBytes each, whole lines, newest in the file itself', () => {
    const path = join(tempDir(), 'node.log')
    const file = new RotatingLogFile(path, 1_000, 2)
    const lines = Array.from({ length: 500 }, (_, i) => `{"n":${i},"msg":"${'x'.repeat(40)}"}\n`)
    for (const line of lines) file.write(line)
    const files = file.files()
    expect(files).toEqual([path, `${path}.1`, `${path}.2`])
    for (const f of files) expect(statSync(f).size).toBeLessThanOrEqual(1_000)
    // Oldest first, the files hold the last lines written, each whole.
    const kept = [...files]
      .reverse()
      .map((f) => readFileSync(f, 'utf8'))
      .join('')
    const keptLines = kept.split('\n').filter((l) => l !== '')
    expect(keptLines.length).toBeGreaterThan(30)
    expect(kept).toBe(lines.slice(lines.length - keptLines.length).join(''))
  })

  it('continues an existing file, counting what is already in it', () => {
    const path = join(tempDir(), 'node.log')
    writeFileSync(path, 'y'.repeat(900) + '\n')
    const file = new RotatingLogFile(path, 1_000, 1)
    file.write('z'.repeat(50) + '\n')
    expect(file.files()).toEqual([path])
    file.write('z'.repeat(50) + '\n')
    expect(file.files()).toEqual([path, `${path}.1`])
    expect(readFileSync(`${path}.1`, 'utf8').startsWith('y'.repeat(900))).toBe(true)
    // A line longer than the limit still gets written, alone in a fresh file.
    file.write('w'.repeat(2_000) + '\n')
    expect(readFileSync(path, 'utf8')).toBe('w'.repeat(2_000) + '\n')
  })

  it('is the node logger’s file destination', () => {
    const dataDir = tempDir()
    const log = createLogger({ dataDir, level: 'info' })
    log.warn({ peer: 'p' }, 'a line for the file')
    const written = readFileSync(logFilePath(dataDir), 'utf8')
    expect(JSON.parse(written.trim())).toMatchObject({ level: 40, peer: 'p', msg: 'a line for the file' })
  })
})

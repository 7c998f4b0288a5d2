import type * as Fs from 'node:fs'
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

/**
 * What the file system was asked, in order: which paths were opened as which descriptors, flushed
 * (fsync), renamed or linked. A power cut cannot be staged in a test, so durability is checked by its
 * cause: the bytes flushed before the name is given, and the directory flushed after.
 */
const calls: { op: 'fsync' | 'rename' | 'link'; path: string; to?: string }[] = []
const fds = new Map<number, string>()
/** When set, each write takes at most this many bytes, as a write to a nearly full disk may. */
let shortWrites: number | null = null

vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof Fs>()
  return {
    ...fs,
    openSync: (path: string, ...rest: unknown[]) => {
      const fd = (fs.openSync as (...a: unknown[]) => number)(path, ...rest)
      fds.set(fd, path)
      return fd
    },
    writeSync: (fd: number, buffer: Uint8Array, offset?: number, length?: number) => {
      const start = offset ?? 0
      const wanted = length ?? buffer.length - start
      return fs.writeSync(fd, buffer, start, Math.min(wanted, shortWrites ?? wanted))
    },
    fsyncSync: (fd: number) => {
      calls.push({ op: 'fsync', path: fds.get(fd) ?? '?' })
      return fs.fsyncSync(fd)
    },
    renameSync: (from: string, to: string) => {
      calls.push({ op: 'rename', path: from, to })
      return fs.renameSync(from, to)
    },
    linkSync: (from: string, to: string) => {
      calls.push({ op: 'link', path: from, to })
      return fs.linkSync(from, to)
    },
  }
})

const { writeFileDurably } = await import('./durable-file')
const { saveConfig, rememberListenPorts, loadConfig } = await import('./config')
const { loadOrCreateIdentity } = await import('./identity/identity')
const { createMachineKeyProtector } = await import('./identity/protectors')
const { loadOrCreateWebRTCCertificate } = await import('./identity/webrtc-certificate')

/** Whether `target` was written durably: its bytes flushed, then given its name, then its directory flushed. */
function durablyWritten(target: string): boolean {
  const named = calls.findIndex((c) => (c.op === 'rename' || c.op === 'link') && c.to === target)
  if (named < 0) return false
  const source = calls[named]!.path
  const flushedBefore = calls.slice(0, named).some((c) => c.op === 'fsync' && c.path === source)
  const dirAfter = calls.slice(named + 1).some((c) => c.op === 'fsync' && c.path === dirname(target))
  return flushedBefore && dirAfter
}

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hm-durable-'))
  calls.length = 0
  shortWrites = null
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

describe('durable writes', () => {
  it('writes the bytes whole, private to the user, and leaves no temporary file', () => {
    const path = join(dir, 'a.json')
    writeFileDurably(path, '{"a":1}')
    writeFileDurably(path, new Uint8Array([1, 2, 3]))
    expect([...readFileSync(path)]).toEqual([1, 2, 3])
    expect(statSync(path).mode & 0o777).toBe(0o600)
    expect(readdirSync(dir)).toEqual(['a.json'])
    expect(durablyWritten(path)).toBe(true)
  })

  it('writes every byte when the system takes only a few at a time', () => {
    const path = join(dir, 'b.json')
    shortWrites = 3
    writeFileDurably(path, '{"twelve":12}')
    expect(readFileSync(path, 'utf8')).toBe('{"twelve":12}')
  })

  it('with noReplace, refuses a file that exists and leaves it as it was', () => {
    const path = join(dir, 'key')
    writeFileSync(path, 'first')
    expect(() => writeFileDurably(path, 'second', { noReplace: true })).toThrow(
      expect.objectContaining({ code: 'EEXIST' }),
    )
    expect(readFileSync(path, 'utf8')).toBe('first')
    expect(readdirSync(dir)).toEqual(['key'])
    writeFileDurably(join(dir, 'new'), 'x', { noReplace: true })
    expect(durablyWritten(join(dir, 'new'))).toBe(true)
  })

  it('the node’s keys, its machine key, its DTLS certificate and its config reach the disk before their names', async () => {
    const machineKey = join(dir, 'machine.key')
    await loadOrCreateIdentity(dir, createMachineKeyProtector(machineKey))
    await loadOrCreateWebRTCCertificate(dir)
    saveConfig(dir, loadConfig(dir))
    for (const file of [machineKey, join(dir, 'keys', 'identity.json'), join(dir, 'webrtc-certificate.json')])
      expect(durablyWritten(file), file).toBe(true)
    expect(durablyWritten(join(dir, 'config.json'))).toBe(true)
    calls.length = 0
    rememberListenPorts(dir, { tcpPort: 4001, wsPort: 4002 })
    expect(durablyWritten(join(dir, 'config.json'))).toBe(true)
  })
})

import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { SystemdRunLimiter } from './systemd-run'

/** A stand-in for systemd-run: a shell script with `body`. */
function standIn(body: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'hm-systemd-run-')), 'systemd-run')
  writeFileSync(file, `#!/bin/sh\n${body}\n`)
  chmodSync(file, 0o755)
  return file
}

const refusal = (result: Awaited<ReturnType<typeof SystemdRunLimiter.delegate>>): string => {
  expect(result).not.toBeInstanceOf(SystemdRunLimiter)
  return (result as { reason: string }).reason
}

describe('systemd-run delegation: refused with the reason where no scope is given', () => {
  it('is not asked for as root, which uses cgroups directly', async () => {
    expect(refusal(await SystemdRunLimiter.delegate({ uid: 0 }))).toBe('as root, cgroups are used directly')
  })

  it('says what systemd-run said when the user manager cannot be reached', async () => {
    const systemdRun = standIn('echo "Failed to connect to bus: No medium found" >&2; exit 1')
    const reason = refusal(
      await SystemdRunLimiter.delegate({ uid: 1000, systemdRun, unifiedMount: '/nonexistent' }),
    )
    expect(reason).toBe('systemd-run --user gave no scope: Failed to connect to bus: No medium found')
  })

  it('gives up when the command runs but never in the scope asked for', async () => {
    // Runs the command outside any new scope, as a broken or fake systemd-run would.
    const systemdRun = standIn('while [ "$1" != "--" ]; do shift; done; shift; exec "$@"')
    const reason = refusal(
      await SystemdRunLimiter.delegate({
        uid: 1000,
        systemdRun,
        unifiedMount: '/nonexistent',
        timeoutMs: 300,
      }),
    )
    expect(reason).toBe('systemd-run --user gave no scope')
  })

  it('is refused without a cgroup v2 hierarchy to delegate from', async () => {
    const mountsFile = join(mkdtempSync(join(tmpdir(), 'hm-mounts-')), 'mounts')
    writeFileSync(mountsFile, 'cgroup /sys/fs/cgroup/cpu cgroup rw,cpu,cpuacct 0 0\n')
    const reason = refusal(await SystemdRunLimiter.delegate({ uid: 1000, mountsFile, systemdRun: 'true' }))
    expect(reason).toBe('there is no cgroup v2 hierarchy to delegate from')
  })
})

/**
 * The compliance suite every ResourceLimiter passes: limits measured, not assumed. Work held to 25 % of
 * one core uses 25 % ± 5 % by its own CPU time over 10 s; a limit changed live takes effect; memory beyond
 * the cap is refused; pausing stops the work; closing a group ends its work; impossible limits are refused
 * with a reason.
 */
import { spawnSync, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterEach, describe, expect, it } from 'vitest'
import { sampleProcess } from '../../app/assets/limits/proc-stat'
import type { LimitedGroup, ResourceLimiter } from '../../app/assets/limits/work-limits'

const MiB = 1024 * 1024
const BUSY_LOOP = ['/bin/sh', ['-c', 'while :; do :; done']] as const
/** Allocates and touches `mib` MiB in 4 MiB steps, then exits 0. */
const allocate = (mib: number): [string, string[]] => [
  process.execPath,
  [
    '-e',
    `const kept = []; for (let i = 0; i < ${mib / 4}; i++) kept.push(Buffer.alloc(${4 * MiB}, 1)); ` +
      'setTimeout(() => process.exit(0), 200)',
  ],
]

const exited = (child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> =>
  new Promise((resolve) => {
    if (child.exitCode != null || child.signalCode != null)
      return resolve({ code: child.exitCode, signal: child.signalCode })
    child.once('exit', (code, signal) => resolve({ code, signal }))
  })

/** The share of one core `pid` used over `ms`, by its own CPU time. */
async function coreShare(pid: number, ms: number): Promise<number> {
  const before = sampleProcess(pid)
  const started = performance.now()
  await sleep(ms)
  const after = sampleProcess(pid)
  if (before == null || after == null) throw new Error(`process ${pid} ended while it was measured`)
  return (after.cpuSeconds - before.cpuSeconds) / ((performance.now() - started) / 1000)
}

export function limiterCompliance(
  name: string,
  makeLimiter: () => ResourceLimiter | null,
  skipReason: string,
  options: { groupsOutliveTheNode: boolean },
): void {
  const limiter = makeLimiter()
  describe.skipIf(limiter == null)(
    `${name} limiter${limiter == null ? ` (not run: ${skipReason})` : ''}`,
    () => {
      const groups: LimitedGroup[] = []
      const group = async (cpuCores: number | null, memoryBytes: number | null): Promise<LimitedGroup> => {
        const made = await limiter!.createGroup(`compliance-${randomBytes(4).toString('hex')}`, {
          cpuCores,
          memoryBytes,
        })
        groups.push(made)
        return made
      }
      afterEach(async () => {
        await Promise.all(groups.splice(0).map((g) => g.close()))
      })

      it('holds work to 25 % of one core (± 5 %) by its own CPU time over 10 s, then to 50 % once changed live', async () => {
        const limited = await group(0.25, null)
        const child = limited.spawn(...BUSY_LOOP)
        await sleep(500)
        const usageBefore = (await limited.usage()).cpuSeconds
        const quarter = await coreShare(child.pid!, 10_000)
        expect(quarter).toBeGreaterThan(0.2)
        expect(quarter).toBeLessThan(0.3)
        // The group's own accounting agrees with the process's.
        expect((await limited.usage()).cpuSeconds - usageBefore).toBeCloseTo(quarter * 10, 0)

        await limited.update({ cpuCores: 0.5, memoryBytes: null })
        expect(limited.limits.cpuCores).toBe(0.5)
        await sleep(300)
        const half = await coreShare(child.pid!, 4_000)
        expect(half).toBeGreaterThan(0.45)
        expect(half).toBeLessThan(0.55)
      }, 30_000)

      it('refuses memory beyond the cap (the process that grows past it is stopped) and allows it within', async () => {
        const capped = await group(null, 160 * MiB)
        const within = await exited(capped.spawn(...allocate(16)))
        expect(within).toEqual({ code: 0, signal: null })
        expect((await capped.usage()).memoryCapHits).toBe(0)

        const beyond = await exited(capped.spawn(...allocate(512)))
        expect(beyond.code === 0 && beyond.signal == null).toBe(false)
        expect((await capped.usage()).memoryCapHits).toBeGreaterThan(0)
      }, 30_000)

      it('pausing stops the work where it is, resuming lets it go on, and a paused group still closes', async () => {
        const limited = await group(0.5, null)
        const child = limited.spawn(...BUSY_LOOP)
        await sleep(300)
        await limited.setPaused(true)
        expect(limited.paused).toBe(true)
        await sleep(100)
        expect(await coreShare(child.pid!, 2_000)).toBeLessThan(0.02)
        await limited.setPaused(false)
        await sleep(100)
        expect(await coreShare(child.pid!, 2_000)).toBeGreaterThan(0.4)
        await limited.setPaused(true)
        const ended = exited(child)
        await limited.close()
        groups.splice(groups.indexOf(limited), 1)
        expect((await ended).signal).toBe('SIGKILL')
      }, 20_000)

      it('closing a group ends the work still in it', async () => {
        const limited = await group(0.1, null)
        const child = limited.spawn(...BUSY_LOOP)
        await sleep(200)
        const ended = exited(child)
        await limited.close()
        groups.splice(groups.indexOf(limited), 1)
        expect((await ended).signal).toBe('SIGKILL')
      })

      it.skipIf(!options.groupsOutliveTheNode)(
        'finds the groups of node processes that are gone and removes them with their work',
        async () => {
          const gone = spawnSync(process.execPath, ['-e', 'process.pid']).pid
          const prefix = `orphan${randomBytes(3).toString('hex')}-`
          const orphan = await limiter!.createGroup(`${prefix}${gone}`, { cpuCores: 0.1, memoryBytes: null })
          const work = orphan.spawn(...BUSY_LOOP)
          const live = await group(0.1, null)
          await sleep(200)
          expect(await limiter!.removeOrphans(prefix)).toBe(1)
          expect((await exited(work)).signal).toBe('SIGKILL')
          expect(live.limits.cpuCores).toBe(0.1)
          expect(await limiter!.removeOrphans(prefix)).toBe(0)
        },
      )

      it('refuses limits no system could honour, and names it cannot use, with the reason', async () => {
        for (const cpuCores of [0, -1, Number.NaN, 5000])
          await expect(limiter!.createGroup('bad-limits', { cpuCores, memoryBytes: null })).rejects.toThrow(
            /a CPU limit is between 0.01 and 1024 cores/,
          )
        await expect(
          limiter!.createGroup('bad-limits', { cpuCores: null, memoryBytes: 1000 }),
        ).rejects.toThrow(/at least 4 MiB/)
        await expect(
          limiter!.createGroup('../escape', { cpuCores: null, memoryBytes: null }),
        ).rejects.toThrow(/lowercase letters, digits or dashes/)
      })
    },
  )
}

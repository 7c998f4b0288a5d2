import { mkdtempSync } from 'node:fs'
import { availableParallelism, tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import type { DatabaseSync } from 'node:sqlite'
import pino from 'pino'
import { afterEach, describe, expect, it } from 'vitest'
import { createHardwareAdapters } from '../app/assets'
import { detectLimiter } from '../app/assets/limits/detect'
import { detectGpuControls } from '../app/assets'
import { sampleProcess } from '../app/assets/limits/proc-stat'
import { defaultSharing } from '../app/assets/sharing/defaults'
import { SharingService } from '../app/assets/sharing/sharing-service'
import { databasePath, openDatabase } from '../app/node/storage/database'

const log = pino({ level: 'silent' })
const open: { db: DatabaseSync; service?: SharingService }[] = []

async function startSharing(
  dir = mkdtempSync(join(tmpdir(), 'hm-sharing-')),
  gpuJobs?: () => { adapter: string } | { reason: string },
) {
  const db = openDatabase(databasePath(dir))
  const entry: { db: DatabaseSync; service?: SharingService } = { db }
  open.push(entry)
  const service = new SharingService({
    db,
    hardware: createHardwareAdapters(),
    limiter: await detectLimiter(),
    // This machine's driver tools (none here, and so said), as the node finds them.
    gpuControls: await detectGpuControls(),
    idleSeconds: () => null,
    ...(gpuJobs != null ? { gpuJobs } : {}),
    log,
  })
  entry.service = service
  await service.start()
  return { dir, db, service }
}

afterEach(async () => {
  for (const { db, service } of open.splice(0)) {
    await service?.stop()
    db.close()
  }
})

describe('the node’s sharing terms', () => {
  it('GPU sharing for jobs needs a WebGPU adapter where no GPU is seen; the card says where GPU jobs run, or why not', async () => {
    let host: { adapter: string } | { reason: string } = { reason: 'no page with WebGPU is attached' }
    const { service } = await startSharing(undefined, () => host)
    const gpu = {
      ...defaultSharing('gpu'),
      enabled: true,
      privacy: 'FullPublic' as const,
      allocationPercent: 40,
    }
    const hardware = await service.hardwareNow()
    if (hardware.gpus.length === 0)
      await expect(service.update({ resource: 'gpu', settings: gpu })).rejects.toThrow(
        /no GPU that HyperMesh can see/,
      )
    expect((await service.state()).resources.gpu.notEnforced).toContain(
      'GPU jobs: none run here: no page with WebGPU is attached',
    )
    expect(service.gpuJobOffer()).toBe(0n)

    host = { adapter: 'google swiftshader (software), lent by a page' }
    const state = await service.update({ resource: 'gpu', settings: gpu })
    expect(state.resources.gpu.activity.active).toBe(true)
    expect(state.resources.gpu.enforced.join(' ')).toMatch(
      /GPU jobs: run on the WebGPU adapter google swiftshader \(software\), lent by a page, one at a time/,
    )
    // 40 % of one GPU, in thousandths.
    expect(service.gpuJobOffer()).toBe(400n)
    host = { reason: 'the page went away' }
    expect(service.gpuJobOffer()).toBe(0n)
  })

  it('a fresh node shares nothing, and says which limiter it enforces with and why stronger ones were passed over', async () => {
    const { service } = await startSharing()
    const state = await service.state()
    expect(state.limiter.kind).not.toBeNull()
    for (const r of Object.values(state.resources))
      expect(r.activity).toEqual({ active: false, reason: 'not shared' })
    expect(service.workGroup?.paused).toBe(true)
    expect(state.resources.gpu.notEnforced.join(' ')).toMatch(
      /GPU share: cannot be enforced on this machine: /,
    )
  })

  it('new terms apply at once to leased work, survive a restart, and bad ones are refused with nothing changed', async () => {
    const { dir, service } = await startSharing()
    // Half of one core, whatever the machine.
    const percent = Math.max(1, Math.round(50 / availableParallelism()))
    const terms = { ...defaultSharing('cpu'), enabled: true, allocationPercent: percent }
    const state = await service.update({ resource: 'cpu', settings: terms })
    const configured = state.resources.cpu.configured.cpuCores as number
    expect(configured).toBeCloseTo((availableParallelism() * percent) / 100, 2)
    expect(state.resources.cpu.activity.active).toBe(true)
    expect(service.workGroup?.paused).toBe(false)

    // Work in the leased group runs at the configured share, by its own CPU time.
    const child = service.workGroup!.spawn('/bin/sh', ['-c', 'while :; do :; done'])
    await sleep(500)
    const before = sampleProcess(child.pid!)!
    await sleep(4_000)
    const share = (sampleProcess(child.pid!)!.cpuSeconds - before.cpuSeconds) / 4
    expect(Math.abs(share - configured)).toBeLessThan(0.05 + configured * 0.1)

    // Turned off: the work is paused at once.
    await service.update({ resource: 'cpu', settings: { ...terms, enabled: false } })
    expect(service.workGroup?.paused).toBe(true)
    const paused = sampleProcess(child.pid!)!
    await sleep(1_000)
    expect(sampleProcess(child.pid!)!.cpuSeconds - paused.cpuSeconds).toBeLessThan(0.02)

    await expect(
      service.update({
        resource: 'memory',
        settings: { ...defaultSharing('memory'), pauseAboveCelsius: 70 },
      }),
    ).rejects.toThrow('memory: a temperature limit applies to CPU and GPU only; clear it')
    await service.update({ resource: 'cpu', settings: terms })

    await service.stop()
    open.splice(0).forEach((e) => e.db.close())
    const again = await startSharing(dir)
    const reloaded = await again.service.state()
    expect(reloaded.resources.cpu.settings).toEqual(terms)
    expect(reloaded.resources.memory.settings).toEqual(defaultSharing('memory'))
  }, 30_000)

  it('a stored row that no longer parses is left as it is, and the resource runs on defaults', async () => {
    const { dir, service, db } = await startSharing()
    await service.stop()
    db.prepare(
      "INSERT INTO sharing_settings (resource, settings, updated_at) VALUES ('gpu', '{\"enabled\":', 1)",
    ).run()
    open.splice(0).forEach((e) => e.db.close())
    const again = await startSharing(dir)
    expect((await again.service.state()).resources.gpu.settings).toEqual(defaultSharing('gpu'))
    const row = again.db.prepare("SELECT settings FROM sharing_settings WHERE resource = 'gpu'").get() as {
      settings: string
    }
    expect(row.settings).toBe('{"enabled":')
  })
})

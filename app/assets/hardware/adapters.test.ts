import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { CpuReading, DiskReading, GpuReading, MemoryReading } from '../../../shared/schemas'
import { adapterCompliance } from '../../../test/support/adapter-compliance'
import { cpuAdapter } from './cpu'
import { gpuAdapter } from './gpu'
import { memoryAdapter } from './memory'
import { parseNvidiaSmi } from './nvidia-smi'
import { storageAdapter } from './storage'

const TiB = 1024 ** 4

adapterCompliance(
  cpuAdapter(),
  CpuReading,
  (cpu) => [
    { name: 'cores', value: cpu.cores, min: 1, max: 4096 },
    { name: 'loadPercent', value: cpu.loadPercent, min: 0, max: 100 },
    { name: 'temperatureC', value: cpu.temperatureC, min: 1, max: 150 },
  ],
  (cpu) => [cpu.model, cpu.cores, cpu.physicalCores],
)
adapterCompliance(
  memoryAdapter(),
  MemoryReading,
  (m) => [
    { name: 'totalBytes', value: m.totalBytes, min: 1, max: 64 * TiB },
    { name: 'usedBytes', value: m.usedBytes, min: 0, max: m.totalBytes },
    { name: 'availableBytes', value: m.availableBytes, min: 0, max: m.totalBytes },
  ],
  (m) => m.totalBytes,
)
adapterCompliance(
  gpuAdapter(),
  z.array(GpuReading),
  (gpus) =>
    gpus.flatMap((g) => [
      { name: 'utilizationPercent', value: g.utilizationPercent, min: 0, max: 100 },
      { name: 'temperatureC', value: g.temperatureC, min: 1, max: 150 },
      { name: 'memoryUsedBytes', value: g.memoryUsedBytes, min: 0, max: g.vramBytes ?? 64 * TiB },
    ]),
  (gpus) => gpus.map((g) => g.model),
)
adapterCompliance(
  storageAdapter(),
  z.array(DiskReading),
  (disks) =>
    disks.flatMap((d) => [
      { name: `${d.mount} size`, value: d.sizeBytes, min: 1, max: 1024 * TiB },
      { name: `${d.mount} available`, value: d.availableBytes, min: 0, max: d.sizeBytes },
    ]),
  (disks) => disks.map((d) => [d.mount, d.sizeBytes]),
)

// Recorded from `nvidia-smi --query-gpu=index,name,memory.total,memory.used,utilization.gpu,temperature.gpu
// --format=csv,noheader,nounits` (the second line as a GPU without a temperature sensor prints it).
const RECORDED = '0, NVIDIA H200, 143771, 523, 37, 41\n1, NVIDIA T400, 2048, 0, [N/A], [Not Supported]\n'

describe('live NVIDIA figures from nvidia-smi', () => {
  it('parses each GPU, with null for what the GPU does not report', () => {
    expect(parseNvidiaSmi(RECORDED)).toEqual([
      {
        index: 0,
        name: 'NVIDIA H200',
        memoryTotalBytes: 143771 * 1024 * 1024,
        memoryUsedBytes: 523 * 1024 * 1024,
        utilizationPercent: 37,
        temperatureC: 41,
      },
      {
        index: 1,
        name: 'NVIDIA T400',
        memoryTotalBytes: 2048 * 1024 * 1024,
        memoryUsedBytes: 0,
        utilizationPercent: null,
        temperatureC: null,
      },
    ])
  })

  it('refuses output with other fields than were asked for', () => {
    expect(() => parseNvidiaSmi('0, NVIDIA H200, 143771\n')).toThrow(/3 fields where 6 were asked for/)
  })

  it('the GPU adapter reads live figures from nvidia-smi where it exists', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hm-nvidia-'))
    const fake = join(dir, 'nvidia-smi')
    writeFileSync(fake, `#!/bin/sh\nprintf '${RECORDED.replaceAll('\n', '\\n')}'\n`)
    chmodSync(fake, 0o755)
    const gpus = await gpuAdapter({ nvidiaSmi: fake }).read()
    const h200 = gpus.find((g) => g.model === 'NVIDIA H200')
    expect(h200).toMatchObject({ source: 'nvidia-smi', utilizationPercent: 37, temperatureC: 41 })
    expect(gpus.filter((g) => g.source === 'nvidia-smi')).toHaveLength(2)
  })

  it('without nvidia-smi the adapter falls back to the OS list (empty on a machine with no GPU)', async () => {
    const gpus = await gpuAdapter({ nvidiaSmi: '/nonexistent/nvidia-smi' }).read()
    expect(gpus.every((g) => g.source === 'systeminformation')).toBe(true)
  })
})

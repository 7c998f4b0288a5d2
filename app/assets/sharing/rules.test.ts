import { describe, expect, it } from 'vitest'
import type { HardwareSnapshot } from '../../../shared/schemas'
import { defaultSharing } from './defaults'
import { leasedLimits } from './leased-limits'
import { sharingProblems } from './rules'

const GiB = 1024 ** 3
const machine = (gpus = 0): HardwareSnapshot => ({
  cpu: {
    model: 'x',
    vendor: 'x',
    cores: 8,
    physicalCores: 4,
    speedGHz: 3,
    loadPercent: 10,
    temperatureC: null,
  },
  memory: { totalBytes: 16 * GiB, usedBytes: 4 * GiB, availableBytes: 12 * GiB },
  gpus: Array.from({ length: gpus }, () => ({
    model: 'g',
    vendor: 'v',
    vramBytes: null,
    utilizationPercent: null,
    memoryUsedBytes: null,
    temperatureC: null,
    source: 'systeminformation' as const,
  })),
  disks: [
    { mount: '/', fsType: 'ext4', sizeBytes: 100 * GiB, usedBytes: 40 * GiB, availableBytes: 60 * GiB },
  ],
  readAt: 0,
})

describe('sharing terms are checked against this machine', () => {
  it('accepts the defaults on a machine that has each resource', () => {
    for (const kind of ['cpu', 'gpu', 'memory', 'storage'] as const)
      expect(sharingProblems(kind, defaultSharing(kind), machine(1))).toEqual([])
  })

  it('refuses settings that belong to another resource, or exceed what the machine has', () => {
    expect(
      sharingProblems('memory', { ...defaultSharing('memory'), pauseAboveCelsius: 80 }, machine()),
    ).toEqual(['a temperature limit applies to CPU and GPU only; clear it'])
    expect(sharingProblems('cpu', { ...defaultSharing('cpu'), memoryIdleBytes: GiB }, machine())[0]).toMatch(
      /memory resource only/,
    )
    expect(
      sharingProblems('memory', { ...defaultSharing('memory'), memoryIdleBytes: 32 * GiB }, machine())[0],
    ).toBe('memory allowed when idle (32.0 GiB) is more than this computer has (16.0 GiB)')
    expect(
      sharingProblems('storage', { ...defaultSharing('storage'), diskQuotaBytes: 200 * GiB }, machine())[0],
    ).toMatch(/more than the disk holds/)
  })

  it('a machine without a GPU says so plainly when GPU sharing is turned on', () => {
    expect(sharingProblems('gpu', { ...defaultSharing('gpu'), enabled: true }, machine(0))).toEqual([
      'this computer has no GPU that HyperMesh can see, so there is none to share',
    ])
  })

  it('a WebGPU adapter for GPU jobs counts as the GPU to share where none is seen', () => {
    const gpu = { ...defaultSharing('gpu'), enabled: true }
    expect(sharingProblems('gpu', gpu, machine(0), 'google swiftshader (software), lent by a page')).toEqual(
      [],
    )
    expect(sharingProblems('gpu', gpu, machine(0), null)).toHaveLength(1)
  })
})

describe('leased work limits follow the CPU and memory terms', () => {
  const cpu = { ...defaultSharing('cpu'), enabled: true, allocationPercent: 25 }
  const memory = {
    ...defaultSharing('memory'),
    allocationPercent: 10,
    memoryInUseBytes: GiB,
    memoryIdleBytes: 4 * GiB,
  }

  it('CPU is the allocation’s share of all cores; memory the in-use or idle cap', () => {
    expect(leasedLimits({ cpu, memory, cpuActive: true, idle: false, hardware: machine() })).toEqual({
      limits: { cpuCores: 2, memoryBytes: GiB },
      paused: false,
    })
    expect(
      leasedLimits({ cpu, memory, cpuActive: true, idle: true, hardware: machine() }).limits.memoryBytes,
    ).toBe(4 * GiB)
    // Unknown idleness counts as in use: the tighter cap.
    expect(
      leasedLimits({ cpu, memory, cpuActive: true, idle: null, hardware: machine() }).limits.memoryBytes,
    ).toBe(GiB)
  })

  it('without caps memory is the allocation’s share of all memory; inactive CPU sharing pauses the work', () => {
    const plain = { ...memory, memoryInUseBytes: null, memoryIdleBytes: null }
    const result = leasedLimits({ cpu, memory: plain, cpuActive: false, idle: false, hardware: machine() })
    expect(result.limits.memoryBytes).toBe(Math.floor(1.6 * GiB))
    expect(result.paused).toBe(true)
  })
})

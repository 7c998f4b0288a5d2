/**
 * HyperMesh assets: the hardware this node can share. Each resource kind has an {@link AssetAdapter} that
 * reads it from the operating system (via `systeminformation`); every adapter passes one compliance suite
 * (test/support/adapter-compliance.ts). Sharing settings and their enforcement are in sharing/ and limits/.
 *
 * @example
 * ```ts
 * const hardware = createHardwareAdapters()
 * const cpu = await hardware.cpu.read() // { model, cores, loadPercent, … }
 * ```
 */
import type {
  CpuReading,
  DiskReading,
  GpuReading,
  HardwareSnapshot,
  MemoryReading,
} from '../../shared/schemas'
import { cpuAdapter } from './cpu'
import { gpuAdapter } from './gpu'
import { memoryAdapter } from './memory'
import { storageAdapter } from './storage'

export type AssetKind = 'cpu' | 'gpu' | 'memory' | 'storage'

export interface AssetAdapter<K extends AssetKind = AssetKind, R = unknown> {
  readonly kind: K
  /** A fresh reading of the resource. Rejects only when the OS cannot be read at all. */
  read(): Promise<R>
}

export interface HardwareAdapters {
  cpu: AssetAdapter<'cpu', CpuReading>
  gpu: AssetAdapter<'gpu', GpuReading[]>
  memory: AssetAdapter<'memory', MemoryReading>
  storage: AssetAdapter<'storage', DiskReading[]>
}

export function createHardwareAdapters(): HardwareAdapters {
  return { cpu: cpuAdapter(), gpu: gpuAdapter(), memory: memoryAdapter(), storage: storageAdapter() }
}

/** Reads all four adapters at once. */
export async function readHardware(adapters: HardwareAdapters): Promise<HardwareSnapshot> {
  const [cpu, gpus, memory, disks] = await Promise.all([
    adapters.cpu.read(),
    adapters.gpu.read(),
    adapters.memory.read(),
    adapters.storage.read(),
  ])
  return { cpu, gpus, memory, disks, readAt: Date.now() }
}

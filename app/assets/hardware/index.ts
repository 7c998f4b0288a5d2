/**
 * Hardware adapters: each resource kind has an {@link AssetAdapter} that reads it from the operating system
 * (via `systeminformation`, and nvidia-smi for GPUs). Every adapter passes one compliance suite
 * (test/support/adapter-compliance.ts).
 */
import type {
  CpuReading,
  DiskReading,
  GpuReading,
  HardwareSnapshot,
  MemoryReading,
} from '../../../shared/schemas'
import type { AssetAdapter } from './adapter'
import { cpuAdapter } from './cpu'
import { gpuAdapter } from './gpu'
import { memoryAdapter } from './memory'
import { storageAdapter } from './storage'

export type { AssetAdapter, AssetKind } from './adapter'
export { detectGpuControls, type GpuControls } from './gpu-controls'

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

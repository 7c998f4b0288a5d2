import si from 'systeminformation'
import type { CpuReading } from '../../shared/schemas'
import type { AssetAdapter } from './index'

/** CPU: model and core counts (read once; they do not change) and the live load. */
export function cpuAdapter(): AssetAdapter<'cpu', CpuReading> {
  let identity: Promise<si.Systeminformation.CpuData> | null = null
  return {
    kind: 'cpu',
    async read() {
      identity ??= si.cpu()
      const [cpu, load] = await Promise.all([identity, si.currentLoad()])
      return {
        model: `${cpu.manufacturer} ${cpu.brand}`.trim() || 'unknown CPU',
        vendor: cpu.vendor || cpu.manufacturer || 'unknown',
        cores: cpu.cores,
        physicalCores: cpu.physicalCores,
        speedGHz: cpu.speed,
        loadPercent: clampPercent(load.currentLoad),
      }
    },
  }
}

export const clampPercent = (value: number): number =>
  Number.isFinite(value) ? Math.min(100, Math.max(0, value)) : 0

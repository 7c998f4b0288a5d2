import si from 'systeminformation'
import type { CpuReading } from '../../../shared/schemas'
import type { AssetAdapter } from './adapter'

/** CPU: model and core counts (read once; they do not change) and the live load. */
export function cpuAdapter(): AssetAdapter<'cpu', CpuReading> {
  let identity: Promise<si.Systeminformation.CpuData> | null = null
  return {
    kind: 'cpu',
    async read() {
      identity ??= si.cpu()
      const [cpu, load, temperature] = await Promise.all([identity, si.currentLoad(), si.cpuTemperature()])
      return {
        model: `${cpu.manufacturer} ${cpu.brand}`.trim() || 'unknown CPU',
        vendor: cpu.vendor || cpu.manufacturer || 'unknown',
        cores: cpu.cores,
        physicalCores: cpu.physicalCores,
        speedGHz: cpu.speed,
        loadPercent: clampPercent(load.currentLoad),
        // systeminformation reports a missing sensor as null or -1 depending on the platform.
        temperatureC:
          temperature.main != null && Number.isFinite(temperature.main) && temperature.main > 0
            ? temperature.main
            : null,
      }
    },
  }
}

export const clampPercent = (value: number): number =>
  Number.isFinite(value) ? Math.min(100, Math.max(0, value)) : 0

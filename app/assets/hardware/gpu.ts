import si from 'systeminformation'
import type { GpuReading } from '../../../shared/schemas'
import type { AssetAdapter } from './adapter'
import { queryNvidiaSmi, type NvidiaGpu } from './nvidia-smi'

/**
 * GPUs: live utilisation, memory in use and temperature from nvidia-smi where it exists, and the OS's
 * list (systeminformation) for the rest. An empty list means no GPU was found; the UI says so plainly.
 */
export function gpuAdapter(options: { nvidiaSmi?: string } = {}): AssetAdapter<'gpu', GpuReading[]> {
  // The controller list is static while the node runs and costly to read (it spawns lspci), so read once.
  let controllers: Promise<si.Systeminformation.GraphicsControllerData[]> | null = null
  return {
    kind: 'gpu',
    async read() {
      controllers ??= si.graphics().then((g) => g.controllers)
      const [listed, nvidia] = await Promise.all([controllers, queryNvidiaSmi(options.nvidiaSmi)])
      const fromNvidia = (nvidia ?? []).map(nvidiaReading)
      const others = listed
        .filter((c) => nvidia == null || !/nvidia/i.test(c.vendor))
        .map((c): GpuReading => ({
          model: c.model || c.name || 'unknown GPU',
          vendor: c.vendor || 'unknown',
          vramBytes: c.vram != null && c.vram > 0 ? c.vram * 1024 * 1024 : null,
          utilizationPercent: c.utilizationGpu ?? null,
          memoryUsedBytes: c.memoryUsed != null ? c.memoryUsed * 1024 * 1024 : null,
          temperatureC: c.temperatureGpu ?? null,
          source: 'systeminformation',
        }))
      return [...fromNvidia, ...others]
    },
  }
}

const nvidiaReading = (gpu: NvidiaGpu): GpuReading => ({
  model: gpu.name,
  vendor: 'NVIDIA',
  vramBytes: gpu.memoryTotalBytes,
  utilizationPercent: gpu.utilizationPercent,
  memoryUsedBytes: gpu.memoryUsedBytes,
  temperatureC: gpu.temperatureC,
  source: 'nvidia-smi',
})

import si from 'systeminformation'
import type { GpuReading } from '../../shared/schemas'
import type { AssetAdapter } from './index'

/** GPUs as the OS lists them. An empty list means no GPU was found; the UI says so plainly. */
export function gpuAdapter(): AssetAdapter<'gpu', GpuReading[]> {
  let cached: Promise<GpuReading[]> | null = null
  return {
    kind: 'gpu',
    // The controller list is static while the node runs and costly to read (it spawns lspci), so read once.
    read() {
      cached ??= si.graphics().then((g) =>
        g.controllers.map((c) => ({
          model: c.model || c.name || 'unknown GPU',
          vendor: c.vendor || 'unknown',
          vramBytes: c.vram != null && c.vram > 0 ? c.vram * 1024 * 1024 : null,
        })),
      )
      return cached
    },
  }
}

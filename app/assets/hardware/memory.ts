import si from 'systeminformation'
import type { MemoryReading } from '../../../shared/schemas'
import type { AssetAdapter } from './adapter'

/** Memory: "used" is what programs hold (not the page cache), so it matches what people expect. */
export function memoryAdapter(): AssetAdapter<'memory', MemoryReading> {
  return {
    kind: 'memory',
    async read() {
      const mem = await si.mem()
      const available = Math.min(mem.available, mem.total)
      return {
        totalBytes: mem.total,
        usedBytes: Math.max(0, mem.total - available),
        availableBytes: available,
      }
    },
  }
}

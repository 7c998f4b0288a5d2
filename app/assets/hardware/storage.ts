import si from 'systeminformation'
import type { DiskReading } from '../../../shared/schemas'
import type { AssetAdapter } from './adapter'

/** File systems that hold data (pseudo and tiny ones, like /dev or snap loops, are left out). */
const PSEUDO = new Set([
  'tmpfs',
  'devtmpfs',
  'squashfs',
  'overlay',
  'proc',
  'sysfs',
  'cgroup',
  'cgroup2',
  'devfs',
  'autofs',
])
const MIN_SIZE = 256 * 1024 * 1024

export function storageAdapter(): AssetAdapter<'storage', DiskReading[]> {
  return {
    kind: 'storage',
    async read() {
      const filesystems = await si.fsSize()
      const seen = new Set<string>()
      const disks: DiskReading[] = []
      for (const fs of filesystems) {
        const pseudo = PSEUDO.has(fs.type) && !(fs.type === 'overlay' && fs.mount === '/')
        if (pseudo || fs.size < MIN_SIZE || seen.has(fs.mount)) continue
        seen.add(fs.mount)
        const available = Math.max(0, Math.min(fs.available, fs.size))
        disks.push({
          mount: fs.mount,
          fsType: fs.type,
          sizeBytes: fs.size,
          usedBytes: Math.max(0, fs.size - available),
          availableBytes: available,
        })
      }
      return disks
    },
  }
}

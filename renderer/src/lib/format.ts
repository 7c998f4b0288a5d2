/** Human units for the dashboard. Pure functions; the tests pin their output. */

const GiB = 1024 ** 3
const MiB = 1024 ** 2
const KiB = 1024

/** Bytes in binary units: "15.6 GiB", "512 MiB", "0 B". */
export function formatBytes(bytes: number | null | undefined): string {
  if (bytes == null || !Number.isFinite(bytes) || bytes < 0) return '—'
  if (bytes >= 1024 * GiB) return `${trim(bytes / (1024 * GiB))} TiB`
  if (bytes >= GiB) return `${trim(bytes / GiB)} GiB`
  if (bytes >= MiB) return `${trim(bytes / MiB)} MiB`
  if (bytes >= KiB) return `${trim(bytes / KiB)} KiB`
  return `${Math.round(bytes)} B`
}

/** One decimal below 100, none above: 15.6, 512. */
const trim = (value: number): string => (value >= 100 ? String(Math.round(value)) : value.toFixed(1))

/** A share in 0–100 as a whole percentage, clamped: "42 %". */
export function formatPercent(percent: number): string {
  return `${Math.round(clampPercent(percent))} %`
}

export function clampPercent(percent: number): number {
  if (!Number.isFinite(percent)) return 0
  return Math.min(100, Math.max(0, percent))
}

/** used / total as a percentage in 0–100 (0 when total is unknown). */
export function usedPercent(used: number, total: number): number {
  return total > 0 ? clampPercent((used / total) * 100) : 0
}

const pad = (n: number): string => String(n).padStart(2, '0')

/** A duration as "1h 02m 03s", "2d 03h 04m 05s", "4m 09s" or "7s". */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000))
  const days = Math.floor(total / 86_400)
  const hours = Math.floor((total % 86_400) / 3_600)
  const minutes = Math.floor((total % 3_600) / 60)
  const seconds = total % 60
  if (days > 0) return `${days}d ${pad(hours)}h ${pad(minutes)}m ${pad(seconds)}s`
  if (hours > 0) return `${hours}h ${pad(minutes)}m ${pad(seconds)}s`
  if (minutes > 0) return `${minutes}m ${pad(seconds)}s`
  return `${seconds}s`
}

/** Round-trip time: "12 ms", "0.4 ms", or "—" until a ping has completed. */
/** Network rates in bits per second, as links are sold: "940 Mbit/s", "2.4 Gbit/s". */
export function formatBitrate(bitsPerSecond: number): string {
  if (!Number.isFinite(bitsPerSecond) || bitsPerSecond <= 0) return '0 bit/s'
  const units = ['bit/s', 'kbit/s', 'Mbit/s', 'Gbit/s', 'Tbit/s']
  let value = bitsPerSecond
  let unit = 0
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000
    unit++
  }
  return `${value >= 100 || unit === 0 ? Math.round(value) : value.toFixed(1)} ${units[unit]}`
}

export function formatLatency(ms: number | null): string {
  if (ms == null || !Number.isFinite(ms)) return '—'
  return ms < 1 ? `${ms.toFixed(1)} ms` : `${Math.round(ms)} ms`
}

/** A long id shortened for tables: "12D3KooW…a1b2c3". Short ids come back whole. */
export function shortId(id: string, head = 8, tail = 6): string {
  return id.length <= head + tail + 1 ? id : `${id.slice(0, head)}…${id.slice(-tail)}`
}

/** Clock speed: "3.6 GHz" (or "—" when the adapter could not read it). */
export function formatGHz(ghz: number): string {
  return ghz > 0 ? `${ghz.toFixed(1)} GHz` : '—'
}

/**
 * Live NVIDIA figures from `nvidia-smi`: systeminformation lists NVIDIA GPUs but gives no live load, so
 * where nvidia-smi exists the GPU adapter asks it. One query, CSV without units, one line per GPU.
 */
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'

const run = promisify(execFile)

export const NVIDIA_QUERY_FIELDS = [
  'index',
  'name',
  'memory.total',
  'memory.used',
  'utilization.gpu',
  'temperature.gpu',
] as const

export interface NvidiaGpu {
  index: number
  name: string
  memoryTotalBytes: number | null
  memoryUsedBytes: number | null
  utilizationPercent: number | null
  temperatureC: number | null
}

const MiB = 1024 * 1024

/** A number, or null for the "[N/A]" and "[Not Supported]" nvidia-smi prints for what a GPU lacks. */
function figure(text: string | undefined): number | null {
  const value = Number(text?.trim())
  return text == null || text.trim() === '' || !Number.isFinite(value) ? null : value
}

/** Parses `nvidia-smi --query-gpu=<NVIDIA_QUERY_FIELDS> --format=csv,noheader,nounits`. */
export function parseNvidiaSmi(csv: string): NvidiaGpu[] {
  const gpus: NvidiaGpu[] = []
  for (const line of csv.split('\n')) {
    if (line.trim() === '') continue
    const cells = line.split(',').map((c) => c.trim())
    if (cells.length !== NVIDIA_QUERY_FIELDS.length)
      throw new Error(
        `nvidia-smi printed ${cells.length} fields where ${NVIDIA_QUERY_FIELDS.length} were asked for`,
      )
    const [index, name, total, used, utilization, temperature] = cells
    const totalMiB = figure(total)
    const usedMiB = figure(used)
    gpus.push({
      index: figure(index) ?? gpus.length,
      name: name || 'NVIDIA GPU',
      memoryTotalBytes: totalMiB == null ? null : totalMiB * MiB,
      memoryUsedBytes: usedMiB == null ? null : usedMiB * MiB,
      utilizationPercent: figure(utilization),
      temperatureC: figure(temperature),
    })
  }
  return gpus
}

/** Null when nvidia-smi is not installed or finds no GPU (it exits non-zero then). */
export async function queryNvidiaSmi(command = 'nvidia-smi'): Promise<NvidiaGpu[] | null> {
  try {
    const { stdout } = await run(
      command,
      [`--query-gpu=${NVIDIA_QUERY_FIELDS.join(',')}`, '--format=csv,noheader,nounits'],
      { timeout: 5_000 },
    )
    return parseNvidiaSmi(stdout)
  } catch {
    return null
  }
}

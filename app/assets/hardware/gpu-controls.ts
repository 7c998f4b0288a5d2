/**
 * The controls the NVIDIA driver offers for holding leased GPU work to its share, found on this machine:
 * the Multi-Process Service (MPS) limits a client process to a percentage of the GPU's streaming
 * multiprocessors (CUDA_MPS_ACTIVE_THREAD_PERCENTAGE) and to an amount of device memory
 * (CUDA_MPS_PINNED_DEVICE_MEM_LIMIT); a GPU in the "Prohibited" compute mode runs no compute at all.
 * No leased GPU work runs before the job sandbox, so this finds what applies here and says it; the sandbox
 * will start GPU work under MPS with those limits.
 */
import { execFile } from 'node:child_process'
import { accessSync, constants } from 'node:fs'
import { delimiter, join } from 'node:path'
import { promisify } from 'node:util'

const run = promisify(execFile)
const MiB = 1024 * 1024

export const GPU_CONTROL_FIELDS = ['index', 'uuid', 'compute_mode', 'memory.total'] as const

export interface ControllableGpu {
  index: number
  uuid: string
  /** Default, Exclusive_Process or Prohibited. */
  computeMode: string
  memoryTotalBytes: number | null
}

export interface GpuControls {
  gpus: ControllableGpu[]
  /** The MPS control program, where it is installed. */
  mpsControl: string | null
  /** Why the GPU share cannot be enforced here, or null when MPS can. */
  unavailable: string | null
}

/** Parses `nvidia-smi --query-gpu=<GPU_CONTROL_FIELDS> --format=csv,noheader,nounits`. */
export function parseGpuControls(csv: string): ControllableGpu[] {
  return csv
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const cells = line.split(',').map((c) => c.trim())
      if (cells.length !== GPU_CONTROL_FIELDS.length)
        throw new Error(
          `nvidia-smi printed ${cells.length} fields where ${GPU_CONTROL_FIELDS.length} were asked for`,
        )
      const [index, uuid, mode, total] = cells as [string, string, string, string]
      const totalMiB = Number(total)
      if (!/^\d+$/.test(index) || !/^(GPU|MIG)-[0-9a-fA-F-]+$/.test(uuid))
        throw new Error(`nvidia-smi printed an unexpected GPU line: ${line}`)
      return {
        index: Number(index),
        uuid,
        computeMode: mode,
        memoryTotalBytes: Number.isFinite(totalMiB) && total !== '' ? totalMiB * MiB : null,
      }
    })
}

/** The first executable called `name` on PATH, or null. */
export function findOnPath(name: string, path = process.env.PATH ?? ''): string | null {
  for (const dir of path.split(delimiter)) {
    if (dir === '') continue
    const candidate = join(dir, name)
    try {
      accessSync(candidate, constants.X_OK)
      return candidate
    } catch {
      /* not here */
    }
  }
  return null
}

export async function detectGpuControls(
  options: { nvidiaSmi?: string; mpsControl?: string | null } = {},
): Promise<GpuControls> {
  let gpus: ControllableGpu[]
  try {
    const { stdout } = await run(
      options.nvidiaSmi ?? 'nvidia-smi',
      [`--query-gpu=${GPU_CONTROL_FIELDS.join(',')}`, '--format=csv,noheader,nounits'],
      { timeout: 5_000 },
    )
    gpus = parseGpuControls(stdout)
  } catch (err) {
    const missing = (err as NodeJS.ErrnoException).code === 'ENOENT'
    return {
      gpus: [],
      mpsControl: null,
      unavailable: missing
        ? 'no NVIDIA driver tools (nvidia-smi) on this machine'
        : `nvidia-smi could not list the GPUs: ${(err as Error).message.split('\n')[0]}`,
    }
  }
  if (gpus.length === 0) return { gpus, mpsControl: null, unavailable: 'nvidia-smi lists no GPU' }
  const mpsControl =
    options.mpsControl === undefined ? findOnPath('nvidia-cuda-mps-control') : options.mpsControl
  if (mpsControl == null)
    return {
      gpus,
      mpsControl,
      unavailable: 'the NVIDIA MPS control program (nvidia-cuda-mps-control) is not installed',
    }
  if (gpus.every((g) => g.computeMode === 'Prohibited'))
    return { gpus, mpsControl, unavailable: 'every GPU is in the Prohibited compute mode' }
  return { gpus, mpsControl, unavailable: null }
}

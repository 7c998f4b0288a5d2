/**
 * The controls the NVIDIA driver offers for holding leased GPU work to its share, found on this machine:
 * the Multi-Process Service (MPS) limits a client process to a percentage of the GPU's streaming
 * multiprocessors (CUDA_MPS_ACTIVE_THREAD_PERCENTAGE) and to an amount of device memory
 * (CUDA_MPS_PINNED_DEVICE_MEM_LIMIT); a GPU in the "Prohibited" compute mode runs no compute at all.
 * Leased work is started with `leasedGpuEnvironment` under the node's own MPS daemon (`MpsDaemon`).
 */
import { execFile, spawn } from 'node:child_process'
import { accessSync, constants } from 'node:fs'
import { mkdir } from 'node:fs/promises'
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

/**
 * The environment leased work on `gpu` runs with: only that GPU visible, through the node's MPS daemon,
 * held to `percent` of its multiprocessors and, where given, `memoryBytes` of its memory.
 */
export function leasedGpuEnvironment(
  gpu: Pick<ControllableGpu, 'uuid'>,
  share: { percent: number; memoryBytes: number | null },
  daemon: { pipeDirectory: string; logDirectory: string },
): Record<string, string> {
  if (!(Number.isInteger(share.percent) && share.percent >= 1 && share.percent <= 100))
    throw new Error(`a GPU share is a whole percentage from 1 to 100, not ${share.percent}`)
  const env: Record<string, string> = {
    CUDA_VISIBLE_DEVICES: gpu.uuid,
    CUDA_MPS_PIPE_DIRECTORY: daemon.pipeDirectory,
    CUDA_MPS_LOG_DIRECTORY: daemon.logDirectory,
    CUDA_MPS_ACTIVE_THREAD_PERCENTAGE: String(share.percent),
  }
  // Device 0 is the one GPU the work can see.
  if (share.memoryBytes != null)
    env.CUDA_MPS_PINNED_DEVICE_MEM_LIMIT = `0=${Math.max(1, Math.floor(share.memoryBytes / MiB))}M`
  return env
}

/** The node's own MPS control daemon, with its pipe and log directories under the node's data dir. */
export class MpsDaemon {
  private constructor(
    private readonly controlProgram: string,
    readonly pipeDirectory: string,
    readonly logDirectory: string,
  ) {}

  static async start(control: string, dir: string): Promise<MpsDaemon> {
    const daemon = new MpsDaemon(control, join(dir, 'mps-pipe'), join(dir, 'mps-log'))
    await mkdir(daemon.pipeDirectory, { recursive: true })
    await mkdir(daemon.logDirectory, { recursive: true })
    // `-d` forks the daemon and returns.
    await daemon.control(['-d'], null)
    return daemon
  }

  /** Asks the daemon to quit (it stops once its clients have). */
  stop(): Promise<string> {
    return this.command('quit')
  }

  /** Sends one command on the control program's stdin and returns what it prints. */
  command(line: string): Promise<string> {
    return this.control([], `${line}\n`)
  }

  /** Runs the control program with `args`, and `input` on its stdin (none: stdin closed). */
  private control(args: string[], input: string | null): Promise<string> {
    return new Promise((resolve, reject) => {
      const child = spawn(this.controlProgram, args, {
        env: this.env(),
        stdio: [input == null ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      })
      let out = ''
      let err = ''
      child.stdout?.on('data', (d: Buffer) => (out += d.toString()))
      child.stderr?.on('data', (d: Buffer) => (err += d.toString()))
      const timer = setTimeout(() => child.kill(), 10_000)
      child.once('error', reject)
      child.once('close', (code) => {
        clearTimeout(timer)
        if (code === 0) resolve(out.trim())
        else reject(new Error(`${this.controlProgram} ${args.join(' ')} exited ${code}: ${err.trim()}`))
      })
      if (input != null) child.stdin?.end(input)
    })
  }

  private env(): NodeJS.ProcessEnv {
    return {
      ...process.env,
      CUDA_MPS_PIPE_DIRECTORY: this.pipeDirectory,
      CUDA_MPS_LOG_DIRECTORY: this.logDirectory,
    }
  }
}

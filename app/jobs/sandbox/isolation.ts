/**
 * How a sandbox process is cut off from the machine, beyond what its runtime allows the code: each layer
 * and whether this machine has it, so the node can say what it guarantees (`sandboxIsolation()`).
 */
import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'

export interface NetworkIsolation {
  /** The command and arguments put in front of the runner's, e.g. ['/usr/bin/unshare', '-n', '--']. */
  prefix: string[]
  /** What holds the network, in words. */
  words: string
}

const UNSHARE = ['/usr/bin/unshare', '/bin/unshare'].find((path) => existsSync(path))

function works(command: string, args: string[]): Promise<boolean> {
  return new Promise((resolve) => {
    execFile(command, args, { timeout: 5_000, env: {} }, (err) => resolve(err == null))
  })
}

async function probe(): Promise<NetworkIsolation> {
  if (UNSHARE != null) {
    // As root a new network namespace needs nothing else; unprivileged, it needs a user namespace too.
    const asRoot = process.getuid?.() === 0
    const flags = asRoot ? ['-n'] : ['-r', '-n']
    if (await works(UNSHARE, [...flags, '--', '/bin/true']))
      return {
        prefix: [UNSHARE, ...flags, '--'],
        words: `a network namespace of its own with no interfaces but loopback, down (unshare ${flags.join(' ')})`,
      }
  }
  return {
    prefix: [],
    words:
      'no network namespace (unshare is missing or user namespaces are off here): network isolation rests on ' +
      'the runtimes alone, which offer the code no sockets',
  }
}

/**
 * Probed once per process and kept: whether the kernel allows namespaces does not change while the node
 * runs, and every sandbox of every node in the process would ask the same question.
 */
let probed: Promise<NetworkIsolation> | null = null
export function networkIsolation(): Promise<NetworkIsolation> {
  probed ??= probe()
  return probed
}

/** Every layer around a job's code, in words, for the UI and docs/jobs.md. */
export async function sandboxIsolation(): Promise<string[]> {
  return [
    'one process per job, started inside the leased-work group (CPU share, memory cap, pause from its first instruction)',
    'an empty environment and an empty temporary working directory, removed afterwards',
    'Node.js permission model: reads only the runner and the runtimes’ own packages; no writes, child processes, workers, native addons or WASI',
    `network: ${(await networkIsolation()).words}`,
    'stdin and stdout pipes to the node only; inherited descriptors without close-on-exec are closed at start',
    'a killed process at the wall-time limit; the V8 heap limited to the job’s memory',
  ]
}

/**
 * The sandbox process: one job per process. The node starts it inside the leased-work group, without
 * network, environment or file system (see ../process-sandbox.ts), writes the job to its stdin, and reads
 * framed log, output and result from its stdout (../job-stream.ts). Bundled on its own by scripts/build.mjs
 * (dist/jobs-runner/runner.js), with the runtimes' npm packages left to load from node_modules.
 */
import { decodeJob, encodeFrame, type JobHeader, type RunnerResult } from '../job-stream'
import type { RuntimeExit, RuntimeJob } from '../runtime'
import { BoundedIo } from './bounded-io'
import { closeInheritedFds } from './close-fds'
import { engineFor } from './engines'

/** Code and input are each at most 16 MiB; the header is small. */
const MAX_STDIN_BYTES = 33 * 1024 * 1024

const send = (frame: Uint8Array): void => {
  process.stdout.write(frame)
}

function readJob(): Promise<NonNullable<ReturnType<typeof decodeJob>>> {
  return new Promise((resolve, reject) => {
    let received: Buffer = Buffer.alloc(0)
    const onData = (chunk: Buffer): void => {
      received = Buffer.concat([received, chunk])
      if (received.length > MAX_STDIN_BYTES) return reject(new Error('the job on stdin is too large'))
      try {
        const job = decodeJob(received)
        if (job == null) return
        process.stdin.off('data', onData)
        process.stdin.pause()
        resolve(job)
      } catch (err) {
        reject(err as Error)
      }
    }
    process.stdin.on('data', onData)
    process.stdin.once('end', () => reject(new Error('stdin ended before the whole job arrived')))
  })
}

function runtimeJob(header: JobHeader, code: Uint8Array, input: Uint8Array): RuntimeJob {
  return {
    runtime: header.runtime,
    code,
    input,
    args: header.args,
    memoryBytes: header.memoryBytes,
    deadline: performance.now() + header.wallMs,
    grants: header.grants,
    startTimeMs: header.startTimeMs,
    seed: Uint8Array.from(Buffer.from(header.seed, 'hex')),
  }
}

async function main(): Promise<void> {
  closeInheritedFds()
  const { header, code, input } = await readJob()
  const io = new BoundedIo(header.outputBytes, send)
  let exit: RuntimeExit
  try {
    const engine = await engineFor(header.runtime)
    await engine.prepare()
    io.frame('started', new Uint8Array(0))
    exit = await engine.run(runtimeJob(header, code, input), io)
  } catch (err) {
    exit = { kind: 'error', message: err instanceof Error ? err.message : String(err) }
  }
  const result: RunnerResult = { exit, truncated: io.truncated }
  send(encodeFrame('result', new TextEncoder().encode(JSON.stringify(result))))
  // The node measures this process's CPU time now that the job is done, then ends stdin: exit then.
  process.stdin.resume()
  process.stdin.once('end', () => process.exit(0))
  process.stdin.once('close', () => process.exit(0))
}

main().catch((err: unknown) => {
  process.stderr.write(`sandbox runner failed: ${err instanceof Error ? err.message : String(err)}\n`)
  process.exit(70)
})

/**
 * Python jobs in Pyodide (CPython compiled to WebAssembly; the npm package ships the interpreter and the
 * standard library, nothing is downloaded). The job's code runs as `__main__` with `sys.argv = ['job',
 * ...args]`, its input on stdin, `print` to the output (raw bytes), stderr to the log.
 *
 * What holds the code, and what does not:
 * - The `js` module is a null-prototype object, but Python can still reach the runner's JavaScript: any
 *   JavaScript object it can make has a prototype chain (`to_js([]).constructor.constructor("return
 *   globalThis")()` is the runner's `globalThis`). The boundary is the process around it (runner/): Node's
 *   permission model (reads of the runtimes' packages only, no writes, no child processes, no workers), an
 *   empty environment, no network namespace, the cgroup. pyodide.test.ts checks that such a read of
 *   /etc/passwd is refused under `node --permission`.
 * - Memory: Pyodide's WebAssembly memory cannot be capped from JavaScript (its module creates it), so the
 *   job's memory is held by the process's cgroup cap; an allocation Python cannot satisfy is a MemoryError.
 * - Time: Pyodide polls an interrupt buffer in its eval loop; here that buffer is read through a proxy that
 *   raises KeyboardInterrupt once the deadline passes or output is cut (no SharedArrayBuffer or worker needed;
 *   workers are refused under the permission model). Code that catches it and loops on is killed by the
 *   parent at its wall-time limit.
 * - Determinism: Python reads time through `Date.now()`/`performance.now()` and randomness (`os.urandom`,
 *   the hash seed, `random`'s seed) through `crypto.randomFillSync`, all patched by deterministic-world.ts;
 *   the interpreter boots in a fixed world, so its hash seed is the same on every provider.
 *
 * `prepare()` boots the interpreter once (about 2 s); a runner process runs one job. Reusing it for another
 * job (benchmarks, tests) is possible but not isolated: the interpreter's modules are shared.
 */
import fs from 'node:fs'
import os from 'node:os'
import { loadPyodide, type PyodideAPI } from 'pyodide'
import type { JobRuntimeEngine, RuntimeExit, RuntimeIo, RuntimeJob } from '../runtime'
import { BOOT_WORLD, enterWorld, realMonotonicNow } from './deterministic-world'
import { boundedMessage, RunControl } from './run-control'

/** The value of `buffer[0]` that Pyodide's signal check turns into SIGINT (KeyboardInterrupt). */
const SIGINT = 2
/** After an interrupt the code may catch, how long until it is raised again. */
const REINTERRUPT_MS = 100

/**
 * Defined in a namespace of its own when the interpreter boots; runs one job in a fresh `__main__` and
 * says how it ended, as JSON `[kind, detail]`.
 */
const JOB_WRAPPER = `
import json, random, sys, traceback, types

def _current_traceback():
    error = sys.exception()
    # The first frame is this wrapper's exec(); the job's own frames follow.
    return ''.join(traceback.format_exception(type(error), error, error.__traceback__.tb_next))

def _exit_code(code):
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)
    return 1

def run_job(code, args_json):
    sys.argv = ['job', *json.loads(args_json)]
    main = types.ModuleType('__main__')
    sys.modules['__main__'] = main
    random.seed()  # from os.urandom: the job's own seeded stream
    try:
        exec(compile(code.to_bytes(), '<job>', 'exec'), main.__dict__)
        outcome = ['exit', 0]
    except SystemExit as exit:
        outcome = ['exit', _exit_code(exit.code)]
    except MemoryError:
        outcome = ['memory', _current_traceback()]
    except KeyboardInterrupt:
        outcome = ['interrupted', '']
    except BaseException:
        outcome = ['error', _current_traceback()]
    sys.stdout.flush()
    sys.stderr.flush()
    return json.dumps(outcome)
`

interface BootedPython {
  api: PyodideAPI
  runJob: (code: Uint8Array, argsJson: string) => string
}

export class PyodideEngine implements JobRuntimeEngine {
  readonly runtime = 'pyodide' as const
  private python: Promise<BootedPython> | undefined

  /** Boots the interpreter (about 2 s) in a fixed world; see the module comment on reuse. */
  async prepare(): Promise<void> {
    await this.booted()
  }

  async run(job: RuntimeJob, io: RuntimeIo): Promise<RuntimeExit> {
    const python = await this.booted()
    const world = enterWorld(job)
    const control = new RunControl(job.deadline, io, world)
    connectStdio(python.api, job.input, control)
    python.api.setInterruptBuffer(interruptSignal(control))
    try {
      // A plain Uint8Array: Pyodide converts no Node Buffer, which is what the runner decodes the job into.
      const code = new Uint8Array(job.code)
      return exitFromOutcome(python.runJob(code, JSON.stringify(job.args)), control)
    } catch (err) {
      // The wrapper catches every Python exception, so this is an interrupt during its last flush or the
      // interpreter failing (a trap in the WebAssembly): boot a new one for any later job.
      this.python = undefined
      return control.stoppedExit() ?? exitFromInterpreterFailure(err)
    } finally {
      disconnectStdio(python.api)
      world.leave()
    }
  }

  private booted(): Promise<BootedPython> {
    if (!this.python) {
      const booting = bootPython()
      booting.catch(() => {
        if (this.python === booting) this.python = undefined
      })
      this.python = booting
    }
    return this.python
  }
}

/** The Pyodide engine a runner process uses. */
export const pyodideEngine: JobRuntimeEngine = new PyodideEngine()

async function bootPython(): Promise<BootedPython> {
  const world = enterWorld(BOOT_WORLD)
  const restoreBinding = answerConstantsBinding()
  try {
    const api = await loadPyodide({
      jsglobals: Object.create(null) as object,
      stdout: () => undefined,
      stderr: () => undefined,
    })
    const namespace = api.globals.get('dict')()
    api.runPython(JOB_WRAPPER, { globals: namespace })
    const runJob = namespace.get('run_job') as BootedPython['runJob']
    return { api, runJob }
  } finally {
    restoreBinding()
    world.leave()
  }
}

/**
 * Pyodide's NODEFS reads `process.binding('constants')` at boot, which the permission model refuses; it
 * gets the same constants from the public modules, and every other binding is still refused.
 */
function answerConstantsBinding(): () => void {
  // Deprecated and left out of @types/node, but still there.
  const original = Object.getOwnPropertyDescriptor(process, 'binding')
  const binding = (Reflect.get(process, 'binding') as (name: string) => unknown).bind(process)
  Object.defineProperty(process, 'binding', {
    configurable: true,
    writable: true,
    value: (name: string): unknown =>
      name === 'constants' ? { fs: fs.constants, os: os.constants } : binding(name),
  })
  return () => {
    if (original) Object.defineProperty(process, 'binding', original)
  }
}

function connectStdio(api: PyodideAPI, input: Uint8Array, control: RunControl): void {
  let inputOffset = 0
  api.setStdin({
    read: (buffer) => {
      const count = Math.min(buffer.length, input.length - inputOffset)
      buffer.set(input.subarray(inputOffset, inputOffset + count))
      inputOffset += count
      return count
    },
  })
  api.setStdout({
    write: (buffer) => {
      control.write(buffer.slice())
      return buffer.length
    },
  })
  const utf8 = new TextDecoder()
  api.setStderr({
    write: (buffer) => {
      control.log(utf8.decode(buffer))
      return buffer.length
    },
  })
}

function disconnectStdio(api: PyodideAPI): void {
  api.setInterruptBuffer(new Int32Array(1))
  api.setStdin({ read: () => 0 })
  api.setStdout({ write: (buffer) => buffer.length })
  api.setStderr({ write: (buffer) => buffer.length })
}

/**
 * Pyodide reads `buffer[0]` at its signal checks and writes 0 back. Reading through a proxy lets the check
 * itself ask whether to stop; it answers SIGINT once, then again every {@link REINTERRUPT_MS} while the code
 * goes on (raising it at every check would interrupt the wrapper's own handling of the first one).
 */
function interruptSignal(control: RunControl): Int32Array {
  let raisedAt = -Infinity
  return new Proxy(new Int32Array(1), {
    get(target, key) {
      if (key !== '0') return Reflect.get(target, key) as unknown
      const now = realMonotonicNow()
      if (!control.shouldStop() || now - raisedAt < REINTERRUPT_MS) return 0
      raisedAt = now
      return SIGINT
    },
  })
}

function exitFromOutcome(outcomeJson: string, control: RunControl): RuntimeExit {
  const [kind, detail] = JSON.parse(outcomeJson) as [string, number | string]
  switch (kind) {
    case 'exit':
      return { kind: 'exit', code: Number(detail) }
    case 'memory':
      return { kind: 'memory', message: boundedMessage(String(detail)) }
    case 'interrupted':
      return control.stoppedExit() ?? { kind: 'error', message: 'KeyboardInterrupt' }
    default:
      return control.stoppedExit() ?? { kind: 'error', message: boundedMessage(String(detail)) }
  }
}

function exitFromInterpreterFailure(err: unknown): RuntimeExit {
  const message = err instanceof Error ? err.message : String(err)
  if (/out of memory|OOM|Cannot enlarge memory/i.test(message))
    return { kind: 'memory', message: boundedMessage(message) }
  return { kind: 'error', message: boundedMessage(`the Python interpreter failed: ${message}`) }
}

/**
 * Python in Pyodide in the sandbox process: the compliance suite (test/support/sandbox-compliance.ts) with
 * programs that try the Python ways out (open, socket, os.environ, subprocess) and the JavaScript ones: the
 * `js` module is empty, but any JavaScript object Python can make leads to the runner's `globalThis`
 * through its prototype chain, so the process (permission model, network namespace, empty environment) is
 * what must refuse them.
 */
import { describe, expect, it } from 'vitest'
import { describeSandboxCompliance, sandboxFixture, type SandboxProgram } from './support/sandbox-compliance'

const python = (source: string, args?: string[]): SandboxProgram => ({
  code: new TextEncoder().encode(source),
  ...(args ? { args } : {}),
})

/** Defines `attempt(label, thunk)`: prints what the thunk returned, or the name of what it raised. */
const ATTEMPT = `
def attempt(label, thunk):
    try:
        print(label, repr(thunk())[:200])
    except BaseException as err:
        print(label, 'refused:', type(err).__name__)
`
/** The runner's JavaScript globalThis, reached through the prototype chain of a JavaScript array. */
const RUNNER_GLOBAL = `
from pyodide.ffi import to_js
def runner_global():
    return to_js([]).constructor.constructor('return globalThis')()
`

describeSandboxCompliance('pyodide', {
  helloEcho: python(`import sys\nsys.stdout.buffer.write(b'hello ' + sys.stdin.buffer.read())`),
  readFile: python(`${ATTEMPT}${RUNNER_GLOBAL}
attempt('open', lambda: open('/etc/passwd').read())
attempt('node:fs', lambda: runner_global().process.getBuiltinModule('node:fs').readFileSync('/etc/passwd', 'utf8'))`),
  connect: (port) =>
    python(`${ATTEMPT}${RUNNER_GLOBAL}
import socket
attempt('socket', lambda: socket.create_connection(('127.0.0.1', ${port}), timeout=1).sendall(b'escaped'))
attempt('node:net', lambda: runner_global().process.getBuiltinModule('node:net').connect(${port}, '127.0.0.1').write('escaped'))`),
  readEnv: (name) =>
    python(`${ATTEMPT}${RUNNER_GLOBAL}
import os
attempt('os.environ', lambda: os.environ.get('${name}'))
attempt('process.env', lambda: runner_global().process.env.${name})`),
  subprocess: python(`${ATTEMPT}${RUNNER_GLOBAL}
import subprocess
attempt('subprocess', lambda: subprocess.run(['/bin/sh', '-c', 'echo escaped'], capture_output=True).stdout)
attempt('node:child_process', lambda: runner_global().process.getBuiltinModule('node:child_process').execSync("/bin/sh -c 'echo escaped'").toString())`),
  clockTwice: python(`import time\nprint(int(time.time() * 1000), int(time.time() * 1000))`),
  infiniteLoop: python(`while True:\n    pass`),
  memoryBomb: python(`keep = []\nwhile True:\n    keep.append(b'x' * (1 << 20))`),
  printBytes: (count) => python(`import sys\nsys.stdout.write('x' * ${count})`),
  crash: python(`raise RuntimeError('the job crashed on purpose')`),
  randomAndClock: python(
    `import os, random, time\nprint(os.urandom(32).hex(), random.random(), int(time.time() * 1000))`,
  ),
  ticking: python(`import sys
while True:
    for i in range(200000):
        pass
    print('tick', file=sys.stderr, flush=True)`),
})

describe('the pyodide runtime', () => {
  const sandbox = sandboxFixture('pyodide')

  it('runs the code as __main__ with argv and exits with SystemExit’s code', async () => {
    const result = await sandbox.run(python(`import sys\nprint(__name__, sys.argv)\nsys.exit(3)`, ['a']))
    expect(Buffer.from(result.output).toString()).toBe("__main__ ['job', 'a']\n")
    expect(result.status).not.toBe('ok')
  })

  it('refuses, through the permission model, the runner’s file system reached from Python', async () => {
    const result = await sandbox.run(
      python(`${ATTEMPT}${RUNNER_GLOBAL}
attempt('node:fs', lambda: runner_global().process.getBuiltinModule('node:fs').readFileSync('/etc/passwd', 'utf8'))`),
    )
    expect(result.status).toBe('ok')
    expect(Buffer.from(result.output).toString()).toBe('node:fs refused: JsException\n')
  })
})

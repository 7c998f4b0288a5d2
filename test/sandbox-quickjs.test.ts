/**
 * JavaScript in QuickJS in the sandbox process: the compliance suite (test/support/sandbox-compliance.ts)
 * with scripts that try every way out a QuickJS script might have (no `std`, `os`, `require`, `process`,
 * `fetch` or module loader is there to try), then what is particular to this runtime.
 */
import { describe, expect, it } from 'vitest'
import { describeSandboxCompliance, sandboxFixture, type SandboxProgram } from './support/sandbox-compliance'

const script = (source: string, args?: string[]): SandboxProgram => ({
  code: new TextEncoder().encode(source),
  ...(args ? { args } : {}),
})

/** Runs `attempt` and prints what it returned or threw, so a refused escape shows its reason. */
const tryPrint = (attempt: string): string =>
  `try { print(String(${attempt})) } catch (err) { print('refused: ' + err) }`

/** A dynamic import of a host module: QuickJS here has no module loader, so each must fail. */
const tryImport = (specifier: string): string =>
  `import(${JSON.stringify(specifier)}).then((m) => print('imported ' + Object.keys(m)), (err) => print('refused: ' + err))`

describeSandboxCompliance('quickjs', {
  helloEcho: script(`write('hello ' + input)`),
  readFile: script(`
    ${tryPrint(`typeof std === 'undefined' ? 'no std' : std.loadFile('/etc/passwd')`)}
    ${tryPrint(`typeof require === 'undefined' ? 'no require' : require('fs').readFileSync('/etc/passwd', 'utf8')`)}
    ${tryImport('/etc/passwd')}
    ${tryImport('node:fs')}`),
  connect: (port) =>
    script(`
      ${tryPrint(`typeof fetch === 'undefined' ? 'no fetch' : fetch('http://127.0.0.1:${port}/')`)}
      ${tryPrint(`typeof WebSocket === 'undefined' ? 'no WebSocket' : new WebSocket('ws://127.0.0.1:${port}/')`)}
      ${tryImport('node:net')}`),
  readEnv: (name) =>
    script(`
      ${tryPrint(`typeof process === 'undefined' ? 'no process' : process.env.${name}`)}
      ${tryPrint(`typeof std === 'undefined' ? 'no std' : std.getenv('${name}')`)}`),
  subprocess: script(`
    ${tryPrint(`typeof os === 'undefined' ? 'no os' : os.exec(['/bin/sh', '-c', 'echo escaped'])`)}
    ${tryImport('node:child_process')}`),
  clockTwice: script(`print(Date.now(), new Date().getTime())`),
  infiniteLoop: script(`while (true) {}`),
  memoryBomb: script(`const keep = []; while (true) keep.push(new Uint8Array(1 << 20).fill(1))`),
  printBytes: (count) => script(`write('x'.repeat(${count}))`),
  crash: script(`throw new Error('the job crashed on purpose')`),
  randomAndClock: script(`
    const hex = Array.from({ length: 32 }, () => Math.floor(Math.random() * 256).toString(16).padStart(2, '0'))
    print(hex.join(''), Date.now())`),
  ticking: script(`for (;;) { for (let i = 0; i < 2e6; i++); console.log('tick') }`),
})

describe('the quickjs runtime', () => {
  const sandbox = sandboxFixture('quickjs')

  it('gives the script its args and input bytes, and runs async code to the end', async () => {
    const result = await sandbox.run(
      script(`async function main() { await null; print(args.join(','), inputBytes.length) } main()`, [
        'a',
        'b',
      ]),
      { input: new Uint8Array([1, 2, 3]) },
    )
    expect(result.status).toBe('ok')
    expect(Buffer.from(result.output).toString()).toBe('a,b 3\n')
  })

  it('reports an uncaught error with its message and the script’s stack', async () => {
    const result = await sandbox.run(script(`function parse() { throw new TypeError('bad input') }\nparse()`))
    expect(result.status).toBe('error')
    expect(result.error).toMatch(/TypeError: bad input[\s\S]*parse/)
  })
})

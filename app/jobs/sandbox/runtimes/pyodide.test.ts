import { beforeAll, describe, expect, it } from 'vitest'
import { engineHarness, START_TIME_MS } from './engine-test-harness'
import { OUTPUT_CUT_MESSAGE } from './run-control'
import { PyodideEngine } from './pyodide'

// One interpreter for the whole file: booting takes seconds, and the engine runs each job in a fresh
// `__main__` with its own world.
const engine = new PyodideEngine()
const utf8 = new TextEncoder()
const { run } = engineHarness(engine, { memoryBytes: 64 * 1024 * 1024, timeoutMs: 10_000 })

describe('Pyodide engine', () => {
  beforeAll(() => engine.prepare(), 60_000)

  it('reads stdin and argv, prints to the output, logs stderr, and exits with SystemExit’s code', async () => {
    const result = await run(
      `import sys\nprint(sys.stdin.read().upper(), sys.argv, __name__)\nprint('warn', file=sys.stderr)\nsys.exit(3)`,
      { input: utf8.encode('héllo'), args: ['a', 'b'] },
    )
    expect(result.exit).toEqual({ kind: 'exit', code: 3 })
    expect(result.output).toBe("HÉLLO ['job', 'a', 'b'] __main__\n")
    expect(result.log.join('')).toBe('warn\n')
  })

  it('gives the same output bytes for the same job: time, random, urandom and hashes included', async () => {
    const code = `import time, random, os\nprint(time.time(), time.monotonic(), random.random(), os.urandom(8).hex(), hash('abc'), time.strftime('%H', time.localtime()))`
    const first = await run(code)
    const second = await run(code)
    expect(first.exit).toEqual({ kind: 'exit', code: 0 })
    expect(second.output).toBe(first.output)
    const wallSeconds = Number(first.output.split(' ')[0])
    expect(wallSeconds * 1000).toBeGreaterThanOrEqual(START_TIME_MS)
    expect(wallSeconds * 1000).toBeLessThan(START_TIME_MS + 1000)
    const otherSeed = await run(code, { seed: new Uint8Array(32).fill(8) })
    expect(otherSeed.output).not.toBe(first.output)
  })

  it('reads the real clock when granted', async () => {
    const result = await run(`import time\nprint(time.time())`, { grants: { clock: true, random: false } })
    expect(Math.abs(Number(result.output) * 1000 - Date.now())).toBeLessThan(60_000)
  })

  it('reports an exception with its traceback', async () => {
    const result = await run(`def parse():\n    raise ValueError('bad input')\nparse()`)
    expect(result.exit.kind).toBe('error')
    const message = result.exit.kind === 'error' ? result.exit.message : ''
    expect(message).toContain('ValueError: bad input')
    expect(message).toContain('File "<job>", line 2, in parse')
  })

  it('reports an allocation Python cannot make as memory', async () => {
    const result = await run(`keep = [0] * (2 ** 30)`)
    expect(result.exit).toMatchObject({ kind: 'memory', message: expect.stringContaining('MemoryError') })
  })

  it('interrupts an infinite loop at its deadline as a timeout', async () => {
    const result = await run(`while True:\n    pass`, { deadline: performance.now() + 300 })
    expect(result.exit).toEqual({ kind: 'timeout' })
  })

  it('stops the run once output is refused', async () => {
    const result = await run(`i = 0\nwhile True:\n    print('line', i)\n    i += 1`, {}, 10_000)
    expect(result.exit).toEqual({ kind: 'error', message: OUTPUT_CUT_MESSAGE })
    expect(result.output.length).toBeLessThanOrEqual(10_000)
  })

  it('runs the next job normally after an interrupted one', async () => {
    const result = await run(`print(sum(range(10)))`)
    expect(result).toMatchObject({ exit: { kind: 'exit', code: 0 }, output: '45\n' })
  })
})

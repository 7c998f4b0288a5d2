import { beforeAll, describe, expect, it } from 'vitest'
import { engineHarness, START_TIME_MS } from './engine-test-harness'
import { OUTPUT_CUT_MESSAGE } from './run-control'
import { QuickJsEngine } from './quickjs'

const engine = new QuickJsEngine()
const utf8 = new TextEncoder()
const { job, run } = engineHarness(engine, { memoryBytes: 32 * 1024 * 1024, timeoutMs: 5_000 })

describe('QuickJS engine', () => {
  beforeAll(() => engine.prepare())

  it('prints its input, input bytes and args, and logs apart from output', async () => {
    const result = await run(
      `print(input.toUpperCase(), inputBytes.length, args.join('+')); console.log('note', 1); console.error('bad')`,
      { input: utf8.encode('héllo'), args: ['a', 'b'] },
    )
    expect(result.exit).toEqual({ kind: 'exit', code: 0 })
    expect(result.output).toBe('HÉLLO 6 a+b\n')
    expect(result.log).toEqual(['note 1', 'bad'])
  })

  it('runs async scripts to the end through their pending jobs', async () => {
    const result = await run(`async function main() { await null; print('after await'); return 1 } main()`)
    expect(result.exit).toEqual({ kind: 'exit', code: 0 })
    expect(result.output).toBe('after await\n')
  })

  it('reports a rejected top-level promise as the job failing', async () => {
    const result = await run(`(async () => { await null; throw new RangeError('late') })()`)
    expect(result.exit).toMatchObject({ kind: 'error', message: expect.stringContaining('RangeError: late') })
  })

  it('gives the same output bytes for the same job, clock and randomness included', async () => {
    const code = `print(Date.now(), new Date().toISOString(), Math.random(), Math.random(), new Date(0).getHours())`
    const first = await run(code)
    const second = await run(code)
    expect(first.output).toBe(second.output)
    const [firstRead, iso] = first.output.split(' ')
    expect(Number(firstRead)).toBeGreaterThanOrEqual(START_TIME_MS)
    expect(Number(firstRead)).toBeLessThan(START_TIME_MS + 100)
    expect(iso?.startsWith('2025-01-01T00:00:00.')).toBe(true)
    const otherSeed = await run(code, { seed: new Uint8Array(32).fill(8) })
    expect(otherSeed.output).not.toBe(first.output)
  })

  it('reads the real clock and randomness only when granted', async () => {
    const granted = await run(`print(Date.now())`, { grants: { clock: true, random: true } })
    expect(Math.abs(Number(granted.output) - Date.now())).toBeLessThan(60_000)
    const code = `print(Math.random())`
    const randomGranted = { grants: { clock: false, random: true } }
    expect((await run(code, randomGranted)).output).not.toBe((await run(code, randomGranted)).output)
  })

  it('has no std, os, timers or host objects to reach', async () => {
    const result = await run(
      `print([typeof std, typeof os, typeof setTimeout, typeof process, typeof require, typeof fetch].join())`,
    )
    expect(result.output).toBe('undefined,undefined,undefined,undefined,undefined,undefined\n')
  })

  it('ends an infinite loop at its deadline as a timeout', async () => {
    const started = performance.now()
    const result = await run(`while (true) {}`, { deadline: performance.now() + 200 })
    expect(result.exit).toEqual({ kind: 'timeout' })
    expect(performance.now() - started).toBeLessThan(2_000)
  })

  it('ends a memory bomb of small objects at its memory limit', async () => {
    const result = await run(`const keep = []; for (let i = 0; ; i++) keep.push({ i })`, {
      memoryBytes: 8 * 1024 * 1024,
    })
    expect(result.exit.kind).toBe('memory')
  })

  it('ends a memory bomb of large buffers at the WebAssembly memory cap', async () => {
    const started = performance.now()
    const result = await run(`const keep = []; while (true) keep.push(new Uint8Array(1 << 20))`, {
      memoryBytes: 8 * 1024 * 1024,
    })
    expect(result.exit.kind).toBe('memory')
    expect(performance.now() - started).toBeLessThan(3_000)
  })

  it('reports a thrown error with its message and stack', async () => {
    const result = await run(`function parse() { throw new TypeError('bad input') }\nparse()`)
    expect(result.exit).toMatchObject({
      kind: 'error',
      message: expect.stringContaining('TypeError: bad input'),
    })
    expect(result.exit.kind === 'error' && result.exit.message).toContain('parse')
  })

  it('reports deep recursion as an error, not a crash of the runner', async () => {
    const result = await run(`function down() { return down() + 1 }\ndown()`)
    expect(result.exit).toMatchObject({ kind: 'error', message: expect.stringContaining('stack overflow') })
  })

  it('stops the run once output is refused', async () => {
    const result = await run(`let i = 0; while (true) print('line ' + i++)`, {}, 1000)
    expect(result.exit).toEqual({ kind: 'error', message: OUTPUT_CUT_MESSAGE })
    expect(result.output.length).toBeLessThanOrEqual(1000)
    // Refused once, then the engine stops asking.
    expect(result.writes - result.output.split('\n').length).toBeLessThanOrEqual(1)
  })

  it('refuses code that is not UTF-8', async () => {
    const result = await engine.run(
      { ...job(''), code: new Uint8Array([0xff, 0xfe]) },
      {
        write: () => true,
        log: () => undefined,
      },
    )
    expect(result).toEqual({ kind: 'error', message: 'the script is not valid UTF-8' })
  })
})

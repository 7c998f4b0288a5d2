import { describe, expect, it } from 'vitest'
import { MAX_WGSL_CODE_BYTES, parseDispatch, wgslBufferBytes, wgslJobProblems, wordBytes } from './wgsl-job'

const MiB = 1024 * 1024
const job = (change: Partial<Parameters<typeof wgslJobProblems>[0]> = {}) => ({
  args: ['4'],
  codeBytes: 500,
  inputBytes: 10,
  limits: { outputBytes: 64, memoryBytes: 16 * MiB },
  ...change,
})

describe('a WGSL job’s dispatch size (its args)', () => {
  it('takes one to three decimal workgroup counts, missing ones being 1', () => {
    expect(parseDispatch(['4'])).toEqual({ x: 4, y: 1, z: 1 })
    expect(parseDispatch(['2', '3'])).toEqual({ x: 2, y: 3, z: 1 })
    expect(parseDispatch(['1', '1', '65535'])).toEqual({ x: 1, y: 1, z: 65535 })
  })

  it.each([
    [[], /1 to 3 numbers; got 0/],
    [['1', '1', '1', '1'], /got 4/],
    [['0'], /dispatch x must be a whole number of workgroups from 1/],
    [['-1'], /dispatch x/],
    [['1', '2.5'], /dispatch y/],
    [['1', '1', '0x10'], /dispatch z/],
    [['1e3'], /decimal/],
    [['007'], /decimal/],
    [[' 4'], /decimal/],
    [['65536'], /65536 workgroups; at most 65535/],
    [['123456'], /dispatch x must be/],
    [['4', ''], /dispatch y/],
  ])('refuses %j', (args, problem) => {
    const parsed = parseDispatch(args)
    expect(parsed).toHaveProperty('problem')
    expect((parsed as { problem: string }).problem).toMatch(problem)
  })
})

describe('a WGSL job as submitted', () => {
  it('has no problems when its dispatch, code size and buffers are within bounds', () => {
    expect(wgslJobProblems(job())).toEqual([])
  })

  it('names every problem: a bad dispatch, code too large, buffers above the memory limit', () => {
    const problems = wgslJobProblems(
      job({
        args: ['x'],
        codeBytes: MAX_WGSL_CODE_BYTES + 1,
        inputBytes: 10 * MiB,
        limits: { outputBytes: 4 * MiB, memoryBytes: 16 * MiB },
      }),
    )
    expect(problems).toHaveLength(3)
    expect(problems[0]).toMatch(/dispatch x/)
    expect(problems[1]).toMatch(/at most 1048576 bytes/)
    expect(problems[2]).toMatch(/take 18874368 bytes, above the memory limit/)
  })

  it('counts buffers in whole words, never empty', () => {
    expect(wordBytes(0)).toBe(4)
    expect(wordBytes(5)).toBe(8)
    expect(wordBytes(8)).toBe(8)
    expect(wgslBufferBytes(0, 1)).toBe(4 + 8)
  })
})

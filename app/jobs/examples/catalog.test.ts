import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { JobExample, JOB_RUNTIMES } from '../../../shared/jobs-schemas'
import { parseDispatch, wgslJobProblems } from '../../../shared/gpu/wgsl-job'
import { jobExamples } from './catalog'
import { primesOutput } from './scripts'

describe('the examples', () => {
  const examples = jobExamples()

  it('are valid examples, one per runtime', () => {
    for (const example of examples) expect(JobExample.safeParse(example).success).toBe(true)
    expect(examples.map((e) => e.runtime).sort()).toEqual([...JOB_RUNTIMES].sort())
  })

  it('the WGSL example marks exactly the primes the other examples print, and its hash is of those words', () => {
    const wgsl = examples.find((e) => e.runtime === 'wgsl')!
    const primes = primesOutput(1000).trim().split('\n').map(Number)
    const words = new Uint8Array(wgsl.limits.outputBytes)
    for (const p of primes) new DataView(words.buffer).setUint32(p * 4, 1, true)
    expect(createHash('sha256').update(words).digest('hex')).toBe(wgsl.expectedOutputHash)
    // Pinned: a change to the shader's output format shows here first.
    expect(wgsl.expectedOutputHash).toBe(EXPECTED_WGSL_HASH)
  })

  it('the WGSL example is a well-formed WGSL job: 16 workgroups of 64 cover the 1000 numbers', () => {
    const wgsl = examples.find((e) => e.runtime === 'wgsl')!
    expect(parseDispatch(wgsl.args)).toEqual({ x: 16, y: 1, z: 1 })
    const code = Buffer.from(wgsl.code, 'base64')
    expect(code.toString()).toMatch(/@compute @workgroup_size\(64\)\s*fn main/)
    expect(Buffer.from(wgsl.input, 'base64')).toEqual(Buffer.from([0xe8, 0x03, 0, 0]))
    expect(
      wgslJobProblems({ args: wgsl.args, codeBytes: code.length, inputBytes: 4, limits: wgsl.limits }),
    ).toEqual([])
  })
})

const EXPECTED_WGSL_HASH = '0004d4c1fc984675ca725bb54d5f0d4144932c1fe8c8c70a63402fe021ad1481'

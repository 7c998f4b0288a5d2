import { describe, expect, it } from 'vitest'
import { draftOf, initialJobFields, submitBlocker, type EstimateState, type JobFields } from './job-form'
import { jobStateLabel, formatCpuTime, formatCores } from '../../lib/jobs-format'
import { parseView } from '../../lib/view'
import { sampleJob, sampleRun } from '../../testing/sample-jobs'

const code = new TextEncoder().encode('print(1)')
const fields = (over: Partial<JobFields> = {}): JobFields => ({ ...initialJobFields(), ...over })

describe('the job form’s draft', () => {
  it('turns cores, MiB, seconds, KiB and CAESAR into the contract’s units', () => {
    const { draft } = draftOf(
      fields({
        cores: '0.25',
        memoryMiB: '128',
        wallSeconds: '2.5',
        outputKiB: '8',
        budget: '1.5',
        args: 'a\n\nb',
      }),
      code,
      new Uint8Array(),
    )
    expect(draft).toMatchObject({
      limits: { millicores: 250, memoryBytes: 128 * 1024 ** 2, wallMs: 2500, outputBytes: 8192 },
      maxPayment: '1500000',
      maxPricePerCoreHour: '10000000',
      args: ['a', 'b'],
      redundancy: 2,
      name: 'JavaScript (QuickJS) job',
    })
  })

  it('leaves the budget to the worst case when it is empty', () => {
    expect(draftOf(fields(), code, new Uint8Array()).draft?.maxPayment).toBeNull()
  })

  it('says what to fix, field by field', () => {
    const problem = (over: Partial<JobFields>, bytes = code) =>
      draftOf(fields(over), bytes, new Uint8Array()).problem
    expect(problem({}, new Uint8Array())).toBe('Paste the code or pick a file.')
    expect(problem({ runtime: 'wasm-wasi' }, new Uint8Array())).toBe('Pick the .wasm file.')
    expect(problem({ cores: '0' })).toMatch(/^Cores/)
    expect(problem({ memoryMiB: '8' })).toMatch(/^Memory/)
    expect(problem({ redundancy: '6' })).toMatch(/^Providers/)
    expect(problem({ budget: 'lots' })).toMatch(/^Budget/)
    expect(problem({ maxPrice: '' })).toMatch(/^Max price/)
  })

  it('gives Submit’s reason: the form’s problem, then the estimate’s', () => {
    const ready: Extract<EstimateState, { kind: 'ready' }> = {
      kind: 'ready',
      estimate: {
        providersAvailable: 0,
        cheapestPricePerCoreHour: null,
        worstCaseCost: '0',
        expectedCost: '0',
        problems: ['no provider offers Python'],
      },
    }
    expect(submitBlocker('Pick the .wasm file.', ready, false)).toBe('Pick the .wasm file.')
    expect(submitBlocker(null, { kind: 'pending' }, false)).toMatch(/Waiting/)
    expect(submitBlocker(null, ready, false)).toBe('no provider offers Python')
    expect(
      submitBlocker(null, { kind: 'ready', estimate: { ...ready.estimate, problems: [] } }, false),
    ).toBeNull()
    expect(
      submitBlocker(null, { kind: 'ready', estimate: { ...ready.estimate, problems: [] } }, true),
    ).toMatch(/being sent/)
  })
})

describe('jobs view words', () => {
  it('names states as the badges show them', () => {
    expect(jobStateLabel(sampleJob({ providers: [sampleRun(), sampleRun({ state: 'returned' })] }))).toBe(
      'running on 1',
    )
    expect(jobStateLabel(sampleJob({ state: 'verifying' }))).toBe('verifying')
    expect(formatCpuTime(83)).toBe('83 ms')
    expect(formatCpuTime(1250)).toBe('1.25 s')
    expect(formatCpuTime(125_000)).toBe('2m 05s')
    expect(formatCores(250)).toBe('0.25 cores')
  })

  it('opens the view the fragment names', () => {
    expect(parseView('#/jobs')).toBe('jobs')
    expect(parseView('#/jobs?x=1')).toBe('jobs')
    expect(parseView('')).toBe('dashboard')
    expect(parseView('#token=abc')).toBe('dashboard')
    expect(parseView('#/nothing')).toBe('dashboard')
  })
})

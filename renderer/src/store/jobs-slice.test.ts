import { describe, expect, it, vi } from 'vitest'
import {
  ApiError,
  JOB_UPLOAD_CHUNK_BYTES,
  type JobEstimate,
  type JobSubmitRequest,
} from '../../../shared/api'
import { createApiClient } from '../../../shared/client'
import { createFakeBridge, type FakeHandlers } from '../testing/fake-bridge'
import { sampleDoneJob, sampleExample, sampleJob, sampleJobId } from '../testing/sample-jobs'
import type { JobDraft } from './jobs-types'
import { alwaysVisible } from './polling'
import { createHyperMeshStore } from './store'
import { previewText } from './jobs-slice'

const until = (check: () => void) => vi.waitFor(check, { timeout: 2_000, interval: 5 })

const estimate = (over: Partial<JobEstimate> = {}): JobEstimate => ({
  providersAvailable: 2,
  cheapestPricePerCoreHour: '1000000',
  worstCaseCost: '8334',
  expectedCost: '5556',
  problems: [],
  ...over,
})

function jobsBridge(extra: FakeHandlers = {}) {
  const chunks: { uploadId: string; offset: number; bytes: number }[] = []
  let uploads = 0
  const bridge = createFakeBridge({
    'jobs.beginUpload': ({ purpose }) => ({ uploadId: `${purpose}-${++uploads}` }),
    'jobs.uploadChunk': ({ uploadId, offset, data }) => {
      const bytes = atob(data).length
      chunks.push({ uploadId, offset, bytes })
      return { received: offset + bytes }
    },
    'jobs.estimate': () => estimate(),
    'jobs.submit': () => sampleJob({ state: 'placing' }),
    'jobs.list': () => [],
    'jobs.provided': () => [],
    ...extra,
  })
  const store = createHyperMeshStore(createApiClient(bridge), {
    visibility: alwaysVisible,
    jobsActiveEveryMs: 10,
    jobsIdleEveryMs: 60_000,
  })
  return { bridge, store, chunks, paramsOf: bridge.paramsOf }
}

const draft = (over: Partial<JobDraft> = {}): JobDraft => ({
  name: 'primes.wasm',
  runtime: 'wasm-wasi',
  code: new Uint8Array(JOB_UPLOAD_CHUNK_BYTES * 2 + 5).fill(7),
  input: new TextEncoder().encode('10000'),
  args: ['--quiet'],
  limits: sampleJob().limits,
  redundancy: 2,
  maxPayment: '9000',
  maxPricePerCoreHour: '10000000',
  privacy: 'PublicNetwork',
  ...over,
})

describe('sending a job from the UI', () => {
  it('uploads code and input in chunks of at most JOB_UPLOAD_CHUNK_BYTES, then submits naming the uploads', async () => {
    const { store, chunks, paramsOf } = jobsBridge()
    const outcome = await store.getState().actions.submitJob(draft())
    expect(outcome).toMatchObject({ ok: true, value: { jobId: sampleJobId, state: 'placing' } })
    expect(chunks).toEqual([
      { uploadId: 'code-1', offset: 0, bytes: JOB_UPLOAD_CHUNK_BYTES },
      { uploadId: 'code-1', offset: JOB_UPLOAD_CHUNK_BYTES, bytes: JOB_UPLOAD_CHUNK_BYTES },
      { uploadId: 'code-1', offset: 2 * JOB_UPLOAD_CHUNK_BYTES, bytes: 5 },
      { uploadId: 'input-2', offset: 0, bytes: 5 },
    ])
    expect(paramsOf('jobs.beginUpload')).toEqual([
      { purpose: 'code', size: JOB_UPLOAD_CHUNK_BYTES * 2 + 5 },
      { purpose: 'input', size: 5 },
    ])
    const [submitted] = paramsOf('jobs.submit') as JobSubmitRequest[]
    expect(submitted).toMatchObject({ codeUploadId: 'code-1', inputUploadId: 'input-2', maxPayment: '9000' })
    expect(store.getState().jobs.list.map((j) => j.state)).toEqual(['placing'])
    expect(store.getState().jobs.sending).toBeNull()
  })

  it('sends no input upload for an empty input', async () => {
    const { store, paramsOf } = jobsBridge()
    await store.getState().actions.submitJob(draft({ input: new Uint8Array() }))
    expect(paramsOf('jobs.beginUpload')).toEqual([{ purpose: 'code', size: JOB_UPLOAD_CHUNK_BYTES * 2 + 5 }])
    expect(paramsOf('jobs.submit')[0]).not.toHaveProperty('inputUploadId')
  })

  it('estimates without sending the same code twice, and a draft without a budget holds the worst case', async () => {
    const { store, paramsOf } = jobsBridge()
    const same = draft({ maxPayment: null })
    expect(await store.getState().actions.estimateJob(same)).toEqual({ ok: true, value: estimate() })
    expect(await store.getState().actions.estimateJob(same)).toMatchObject({ ok: true })
    expect(paramsOf('jobs.beginUpload')).toHaveLength(2)
    await store.getState().actions.submitJob(same)
    expect(paramsOf('jobs.beginUpload')).toHaveLength(2)
    // Each estimate of a draft without a budget asks twice: to learn the worst case, then with it.
    const budgets = (paramsOf('jobs.estimate') as JobSubmitRequest[]).map((r) => r.maxPayment)
    expect(budgets).toEqual(['0', '8334', '0', '8334', '0', '8334'])
    expect(paramsOf('jobs.submit')[0]).toMatchObject({ maxPayment: '8334', codeUploadId: 'code-1' })
  })

  it('checks a draft without a budget against the balance with its worst case as the budget', async () => {
    // As the node does: the budget must cover the full runs, and the balance the budget and the fee.
    const node = (balance: bigint): FakeHandlers => ({
      'jobs.estimate': ({ maxPayment }) => {
        const problems: string[] = []
        if (BigInt(maxPayment) < 5556n) problems.push(`the budget ${maxPayment} is below the 5556`)
        if (BigInt(maxPayment) + 10n > balance)
          problems.push(
            `this account holds ${balance}; the budget and the fee need ${BigInt(maxPayment) + 10n}`,
          )
        return estimate({ problems })
      },
    })
    const enough = jobsBridge(node(8344n))
    expect(await enough.store.getState().actions.estimateJob(draft({ maxPayment: null }))).toEqual({
      ok: true,
      value: estimate(),
    })
    expect(await enough.store.getState().actions.runJobExample(sampleExample)).toMatchObject({ ok: true })
    expect(enough.paramsOf('jobs.submit')[0]).toMatchObject({ maxPayment: '8334' })

    const short = jobsBridge(node(8343n))
    expect(await short.store.getState().actions.estimateJob(draft({ maxPayment: null }))).toEqual({
      ok: true,
      value: estimate({ problems: ['this account holds 8343; the budget and the fee need 8344'] }),
    })
    expect(await short.store.getState().actions.runJobExample(sampleExample)).toEqual({
      ok: false,
      message: 'this account holds 8343; the budget and the fee need 8344',
    })
    expect(short.bridge.callsOf('jobs.submit')).toBe(0)
  })

  it('refuses to submit while the estimate has problems, and says which', async () => {
    const { store, bridge } = jobsBridge({
      'jobs.estimate': () =>
        estimate({ providersAvailable: 0, problems: ['no provider offers WebAssembly'] }),
    })
    const outcome = await store.getState().actions.submitJob(draft({ maxPayment: null }))
    expect(outcome).toEqual({ ok: false, message: 'no provider offers WebAssembly' })
    expect(bridge.callsOf('jobs.submit')).toBe(0)
    expect(store.getState().jobs.sending).toBeNull()
  })

  it('sends the uploads again once when the node no longer holds them', async () => {
    let first = true
    const { store, paramsOf } = jobsBridge({
      'jobs.estimate': () => {
        if (!first) return estimate()
        first = false
        throw new ApiError('NOT_FOUND', 'upload code-1 expired')
      },
    })
    expect(await store.getState().actions.estimateJob(draft())).toMatchObject({ ok: true })
    expect(paramsOf('jobs.beginUpload')).toHaveLength(4)
  })

  it('runs an example with redundancy 2 and the estimate’s worst case as its budget', async () => {
    const { store, paramsOf } = jobsBridge()
    await store.getState().actions.runJobExample(sampleExample)
    expect(paramsOf('jobs.submit')[0]).toMatchObject({
      name: sampleExample.title,
      runtime: 'wasm-wasi',
      redundancy: 2,
      maxPayment: '8334',
      limits: sampleExample.limits,
    })
  })
})

describe('the job list', () => {
  it('takes a jobs.changed event in place, and adds a job it did not know first', async () => {
    const { store, bridge } = jobsBridge({ 'jobs.list': () => [sampleJob({ jobId: '01'.repeat(32) })] })
    const stop = store.getState().actions.start()
    await store.getState().actions.refreshJobs()
    bridge.emit('jobs.changed', sampleJob({ state: 'verifying' }))
    bridge.emit('jobs.changed', sampleDoneJob())
    stop()
    expect(store.getState().jobs.list.map((j) => [j.jobId.slice(0, 2), j.state])).toEqual([
      ['ab', 'done'],
      ['01', 'running'],
    ])
  })

  it('reads the list often while a job is active, and stops once none is', async () => {
    let state: 'running' | 'done' = 'running'
    const { store, bridge } = jobsBridge({ 'jobs.list': () => [sampleJob({ state })] })
    const stop = store.getState().actions.watchJobs()
    await until(() => expect(bridge.callsOf('jobs.list')).toBeGreaterThanOrEqual(3))
    state = 'done'
    await until(() => expect(store.getState().jobs.list[0]?.state).toBe('done'))
    const calls = bridge.callsOf('jobs.list')
    await new Promise((resolve) => setTimeout(resolve, 60))
    expect(bridge.callsOf('jobs.list')).toBe(calls)
    stop()
  })

  it('says why the list could not be read', async () => {
    const { store } = jobsBridge({
      'jobs.list': () => {
        throw new ApiError('INTERNAL', 'the jobs service is not running')
      },
    })
    await store.getState().actions.refreshJobs()
    expect(store.getState().errors.jobs).toBe('the jobs service is not running')
    expect(store.getState().jobs.loaded).toBe(false)
  })
})

describe('a job’s result', () => {
  const output = new TextEncoder().encode('é'.repeat(40_000))
  const readResult: FakeHandlers['jobs.readResult'] = ({ offset, length }) => ({
    data: btoa(String.fromCharCode(...output.subarray(offset, offset + length))),
    totalBytes: output.length,
    truncated: false,
  })

  it('downloads the whole output in chunks into a Blob', async () => {
    const { store, paramsOf } = jobsBridge({ 'jobs.readResult': readResult })
    const outcome = await store.getState().actions.readJobResult(sampleJobId)
    if (!outcome.ok) throw new Error(outcome.message)
    expect(new Uint8Array(await outcome.value.blob.arrayBuffer())).toEqual(output)
    expect(paramsOf('jobs.readResult').map((p) => (p as { offset: number }).offset)).toEqual([
      0,
      JOB_UPLOAD_CHUNK_BYTES,
      2 * JOB_UPLOAD_CHUNK_BYTES,
    ])
  })

  it('previews the first 4 KiB as text, even when a character is cut at its end', async () => {
    const { store } = jobsBridge({ 'jobs.readResult': readResult })
    const outcome = await store.getState().actions.previewJobResult(sampleJobId)
    expect(outcome).toMatchObject({ ok: true, value: { totalBytes: 80_000, partial: true } })
    if (outcome.ok) expect(outcome.value.text).toBe('é'.repeat(2048))
  })

  it('shows no text for bytes that are not UTF-8', () => {
    expect(previewText(new Uint8Array([0xff, 0xfe, 0x00]), false)).toBeNull()
    expect(previewText(new Uint8Array([0x61, 0x00, 0x62]), false)).toBeNull()
    expect(previewText(new TextEncoder().encode('2 3 5 7\n'), false)).toBe('2 3 5 7\n')
  })
})

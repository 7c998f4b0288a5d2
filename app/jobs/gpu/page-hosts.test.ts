/**
 * The page GPU hosts as a page uses them through the API: the test plays the page (attach, poll, read,
 * output, finish) against the real registry, with the unhappy paths a page or a stranger can cause.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { AdapterSummary } from '../../../shared/gpu/run-wgsl'
import { JobRequestError } from '../errors'
import type { WgslRun } from './gpu-host'
import { MAX_PAGES, PAGE_SILENCE_MS, PageGpuHosts } from './page-hosts'

const GPU: AdapterSummary = {
  name: 'nvidia ada rtx 4000',
  software: false,
  maxBufferBytes: 1 << 30,
  maxWorkgroupsPerDimension: 65535,
  timestamps: true,
}
const SWIFTSHADER: AdapterSummary = { ...GPU, name: 'google swiftshader', software: true }
const JOB: WgslRun = {
  code: new TextEncoder().encode('@compute @workgroup_size(1) fn main() {}'),
  input: Uint8Array.from({ length: 70_000 }, (_, i) => i % 251),
  dispatch: { x: 2, y: 1, z: 1 },
  outputBytes: 40_000,
  memoryBytes: 16 << 20,
  wallMs: 5_000,
}

let hosts: PageGpuHosts
afterEach(() => hosts?.stop())

const refusal = (fn: () => unknown): JobRequestError => {
  try {
    fn()
  } catch (err) {
    if (err instanceof JobRequestError) return err
    throw err
  }
  throw new Error('expected a refusal')
}

/** The page's side: reads a part whole, in chunks as the API carries them. */
function readAll(hostId: string, taskId: string, part: 'code' | 'input', size: number): Uint8Array {
  const chunks: Buffer[] = []
  for (let offset = 0; offset < size; offset += 32 * 1024)
    chunks.push(Buffer.from(hosts.readTask(hostId, taskId, part, offset, 32 * 1024), 'base64'))
  return Buffer.concat(chunks)
}

function sendAll(hostId: string, taskId: string, output: Uint8Array): void {
  for (let offset = 0; offset < output.length; offset += 32 * 1024)
    hosts.output(
      hostId,
      taskId,
      offset,
      Buffer.from(output.subarray(offset, offset + 32 * 1024)).toString('base64'),
    )
}

describe('pages as GPU hosts', () => {
  it('says why there is no GPU until a page attaches, then names its adapter', () => {
    hosts = new PageGpuHosts({ allowSoftware: false })
    expect(hosts.state()).toEqual({
      reason: expect.stringMatching(/^no WebGPU adapter: no page with WebGPU/),
    })
    expect(hosts.attach(GPU)).toMatchObject({ used: true, reason: null })
    expect(hosts.state()).toEqual({ adapter: GPU, host: 'page' })
  })

  it('runs a task on the page that polls: code and input read in chunks, output sent back, GPU time bounded', async () => {
    hosts = new PageGpuHosts({ allowSoftware: false })
    const { hostId } = hosts.attach(GPU)
    const polled = hosts.poll(hostId)
    const running = hosts.run(JOB, new AbortController().signal)
    const task = (await polled)!
    expect(task).toMatchObject({
      codeBytes: JOB.code.length,
      inputBytes: 70_000,
      outputBytes: 40_000,
      deadlineMs: 5_000,
    })
    expect(task.dispatch).toEqual({ x: 2, y: 1, z: 1 })
    expect(readAll(hostId, task.taskId, 'code', task.codeBytes)).toEqual(Buffer.from(JOB.code))
    expect(readAll(hostId, task.taskId, 'input', task.inputBytes)).toEqual(Buffer.from(JOB.input))
    const output = Uint8Array.from({ length: 40_000 }, (_, i) => i % 7)
    sendAll(hostId, task.taskId, output)
    // The page claims an hour of GPU time: it is held to the time the task was out.
    hosts.finish({
      hostId,
      taskId: task.taskId,
      status: 'ok',
      gpuMillis: 3_600_000,
      timing: 'timestamp-query',
      error: null,
    })
    const outcome = await running
    expect(outcome.status).toBe('ok')
    expect(outcome.output).toEqual(output)
    expect(outcome.gpuMillis).toBeLessThan(5_000)
  })

  it('queues a task until a page polls, and hands tasks one at a time', async () => {
    hosts = new PageGpuHosts({ allowSoftware: false })
    const { hostId } = hosts.attach(GPU)
    const first = hosts.run(JOB, new AbortController().signal)
    const second = hosts.run({ ...JOB, outputBytes: 4 }, new AbortController().signal)
    const a = (await hosts.poll(hostId))!
    // Polling again while the task is out gives the same task, not the next.
    expect((await hosts.poll(hostId))!.taskId).toBe(a.taskId)
    hosts.finish({
      hostId,
      taskId: a.taskId,
      status: 'error',
      gpuMillis: 0,
      timing: 'none',
      error: 'WGSL does not compile',
    })
    expect(await first).toMatchObject({
      status: 'error',
      error: 'WGSL does not compile',
      output: new Uint8Array(0),
    })
    const b = (await hosts.poll(hostId))!
    expect(b.outputBytes).toBe(4)
    sendAll(hostId, b.taskId, new Uint8Array([1, 2, 3, 4]))
    hosts.finish({
      hostId,
      taskId: b.taskId,
      status: 'ok',
      gpuMillis: 0.5,
      timing: 'submit-to-done',
      error: null,
    })
    expect((await second).output).toEqual(new Uint8Array([1, 2, 3, 4]))
  })

  it('answers a poll with no task after its wait', async () => {
    hosts = new PageGpuHosts({ allowSoftware: false })
    const { hostId } = hosts.attach(GPU)
    expect(await hosts.poll(hostId, 50)).toBeNull()
  })

  it('does not use a software adapter unless the owner opted in, and says why', async () => {
    hosts = new PageGpuHosts({ allowSoftware: false })
    const attached = hosts.attach(SWIFTSHADER)
    expect(attached.used).toBe(false)
    expect(attached.reason).toMatch(/software one \(google swiftshader\).*gpu\.softwareAdapters/)
    expect(hosts.state()).toEqual({ reason: attached.reason })
    await expect(hosts.run(JOB, new AbortController().signal)).rejects.toThrow(/software one/)
    expect(await hosts.poll(attached.hostId, 20)).toBeNull()

    hosts.stop()
    hosts = new PageGpuHosts({ allowSoftware: true })
    expect(hosts.attach(SWIFTSHADER)).toMatchObject({ used: true, reason: null })
    expect(hosts.state()).toMatchObject({ adapter: { software: true } })
  })

  it('prefers a hardware adapter when pages of both kinds are attached', () => {
    hosts = new PageGpuHosts({ allowSoftware: true })
    hosts.attach(SWIFTSHADER)
    hosts.attach(GPU)
    expect(hosts.state()).toMatchObject({ adapter: { name: GPU.name } })
  })

  it('refuses what a page or a stranger gets wrong, in words', async () => {
    hosts = new PageGpuHosts({ allowSoftware: false })
    expect(refusal(() => hosts.poll('00'.repeat(16))).code).toBe('not-found')
    const { hostId } = hosts.attach(GPU)
    const running = hosts.run({ ...JOB, outputBytes: 8 }, new AbortController().signal)
    const task = (await hosts.poll(hostId))!
    const other = '11'.repeat(16)
    expect(refusal(() => hosts.readTask(hostId, other, 'code', 0, 10)).code).toBe('not-found')
    expect(refusal(() => hosts.readTask(hostId, task.taskId, 'input', 70_001, 10)).message).toMatch(/past it/)
    expect(refusal(() => hosts.output(hostId, task.taskId, 4, 'AAAA')).message).toMatch(
      /continues at byte 0, not 4/,
    )
    expect(
      refusal(() => hosts.output(hostId, task.taskId, 0, Buffer.alloc(9).toString('base64'))).message,
    ).toMatch(/output is 8 bytes/)
    hosts.output(hostId, task.taskId, 0, Buffer.alloc(4).toString('base64'))
    const finish = {
      hostId,
      taskId: task.taskId,
      status: 'ok',
      gpuMillis: 1,
      timing: 'none',
      error: null,
    } as const
    expect(refusal(() => hosts.finish(finish)).message).toMatch(/all 8 output bytes; 4 arrived/)
    hosts.output(hostId, task.taskId, 4, Buffer.alloc(4).toString('base64'))
    hosts.finish(finish)
    await running
    // The task is over: what comes for it now is refused.
    expect(refusal(() => hosts.finish(finish)).code).toBe('not-found')
  })

  it(`takes at most ${MAX_PAGES} pages`, () => {
    hosts = new PageGpuHosts({ allowSoftware: false })
    for (let i = 0; i < MAX_PAGES; i++) hosts.attach(GPU)
    expect(refusal(() => hosts.attach(GPU)).code).toBe('busy')
  })

  it('fails a cancelled run at once; the page’s late answer is refused and it takes the next task', async () => {
    hosts = new PageGpuHosts({ allowSoftware: false })
    const { hostId } = hosts.attach(GPU)
    const cancel = new AbortController()
    const running = hosts.run(JOB, cancel.signal)
    const task = (await hosts.poll(hostId))!
    cancel.abort()
    await expect(running).rejects.toThrow(/cancelled/)
    const late = {
      hostId,
      taskId: task.taskId,
      status: 'error',
      gpuMillis: 0,
      timing: 'none',
      error: 'x',
    } as const
    expect(refusal(() => hosts.finish(late)).code).toBe('not-found')
    const next = hosts.run(JOB, new AbortController().signal)
    expect((await hosts.poll(hostId))!.taskId).not.toBe(task.taskId)
    hosts.stop()
    await expect(next).rejects.toThrow(/went away: the node stopped/)
  })

  it('fails a task its page does not finish by the deadline and the grace, and drops the page', async () => {
    hosts = new PageGpuHosts({ allowSoftware: false, graceMs: 100 })
    const { hostId } = hosts.attach(GPU)
    const running = hosts.run({ ...JOB, wallMs: 100 }, new AbortController().signal)
    await hosts.poll(hostId)
    await expect(running).rejects.toThrow(/did not finish it within 200 ms/)
    expect(refusal(() => hosts.poll(hostId)).message).toMatch(/attach again/)
    expect(hosts.count).toBe(0)
  })

  it('fails the task of a page that detaches', async () => {
    hosts = new PageGpuHosts({ allowSoftware: false })
    const { hostId } = hosts.attach(GPU)
    const running = hosts.run(JOB, new AbortController().signal)
    await hosts.poll(hostId)
    expect(hosts.detach(hostId)).toBe(true)
    expect(hosts.detach(hostId)).toBe(false)
    await expect(running).rejects.toThrow(/went away: the page detached/)
  })

  it('drops a page that stops polling', async () => {
    let now = 1_000_000
    hosts = new PageGpuHosts({ allowSoftware: false, now: () => now })
    hosts.start()
    const { hostId } = hosts.attach(GPU)
    now += PAGE_SILENCE_MS + 1
    await expect.poll(() => hosts.count, { timeout: 5_000 }).toBe(0)
    expect(refusal(() => hosts.poll(hostId)).code).toBe('not-found')
  })
})

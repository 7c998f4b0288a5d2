/**
 * GPU jobs in the job engine: WGSL goes to the GPU host, other runtimes to the engine it wraps; the job's
 * own faults end as its status, the host's reject; what goes on the receipt is GPU time held to its share.
 * The host here is the real page registry, with the test playing the page.
 */
import { createHash } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import type { JobSpec } from '../../consensus'
import type { JobEngine, SandboxRun } from '../provider/run-port'
import type { WorkGroup } from '../ports'
import { withGpuJobs } from './gpu-engine'
import { PageGpuHosts } from './page-hosts'

const RUN: SandboxRun = {
  runtime: 'wgsl',
  code: new TextEncoder().encode('@compute @workgroup_size(1) fn main() {}'),
  input: new Uint8Array(4),
  args: ['16'],
  limits: { millicores: 250, memoryBytes: 16 << 20, wallMs: 10_000, outputBytes: 8 },
  grants: { clock: false, random: false },
  startTimeMs: 0,
  seed: new Uint8Array(32),
}
const cpuEngine: JobEngine = {
  refusalFor: (runtime: JobSpec['runtime']) => `cpu engine asked about ${runtime}`,
  run: async () => {
    throw new Error('cpu engine ran')
  },
}
const group = {} as WorkGroup
const logs: string[] = []
const options = () => ({ signal: new AbortController().signal, onLog: (text: string) => logs.push(text) })

let hosts: PageGpuHosts
afterEach(() => hosts?.stop())

function engineWithPage(): { engine: JobEngine; hostId: string } {
  hosts = new PageGpuHosts({ allowSoftware: true })
  const { hostId } = hosts.attach({
    name: 'google swiftshader',
    software: true,
    maxBufferBytes: 1 << 30,
    maxWorkgroupsPerDimension: 65535,
    timestamps: true,
  })
  return { engine: withGpuJobs(cpuEngine, hosts), hostId }
}

describe('the job engine with a GPU host', () => {
  it('refuses GPU jobs in words while no adapter is there, and leaves CPU runtimes to the wrapped engine', () => {
    hosts = new PageGpuHosts({ allowSoftware: false })
    const engine = withGpuJobs(cpuEngine, hosts)
    expect(engine.refusalFor('wgsl')).toMatch(/^this node runs no GPU jobs: no WebGPU adapter: /)
    expect(engine.refusalFor('quickjs')).toBe('cpu engine asked about quickjs')
    hosts.attach({
      name: 'amd rdna3',
      software: false,
      maxBufferBytes: 1,
      maxWorkgroupsPerDimension: 1,
      timestamps: false,
    })
    expect(engine.refusalFor('wgsl')).toBeNull()
  })

  it('runs a WGSL job on the page: output, its hash, GPU time on the receipt held to the share', async () => {
    const { engine, hostId } = engineWithPage()
    const running = engine.run(RUN, group, options())
    const task = (await hosts.poll(hostId))!
    expect(task.dispatch).toEqual({ x: 16, y: 1, z: 1 })
    hosts.output(hostId, task.taskId, 0, Buffer.from([1, 0, 0, 0, 2, 0, 0, 0]).toString('base64'))
    // Plausible GPU time for the time the task was out, far above a quarter GPU's share of it.
    hosts.finish({
      hostId,
      taskId: task.taskId,
      status: 'ok',
      gpuMillis: 10_000,
      timing: 'timestamp-query',
      error: null,
    })
    const outcome = await running
    expect(outcome.status).toBe('ok')
    expect([...outcome.output]).toEqual([1, 0, 0, 0, 2, 0, 0, 0])
    expect(outcome.outputHash).toBe(createHash('sha256').update(outcome.output).digest('hex'))
    expect(outcome.cpuMillis).toBeLessThanOrEqual(Math.floor((250 * outcome.wallMs) / 1000))
    expect(outcome.log).toMatch(
      /^ran on the WebGPU adapter google swiftshader \(software\) \(in a page\); GPU time/,
    )
    expect(logs.at(-1)).toBe(outcome.log)
  })

  it('ends the job’s own faults as its status without asking the GPU: a bad dispatch, code that is not UTF-8', async () => {
    const { engine } = engineWithPage()
    const badDispatch = await engine.run({ ...RUN, args: ['0'] }, group, options())
    expect(badDispatch).toMatchObject({ status: 'error', cpuMillis: 0, output: new Uint8Array(0) })
    expect(badDispatch.error).toMatch(/dispatch x/)
    const notText = await engine.run({ ...RUN, code: new Uint8Array([0xff, 0xfe, 0x00]) }, group, options())
    expect(notText).toMatchObject({ status: 'error', error: 'the WGSL code is not UTF-8 text' })
  })

  it('passes the run’s status from the page (a compile error) with no output', async () => {
    const { engine, hostId } = engineWithPage()
    const running = engine.run(RUN, group, options())
    const task = (await hosts.poll(hostId))!
    hosts.finish({
      hostId,
      taskId: task.taskId,
      status: 'error',
      gpuMillis: 0,
      timing: 'none',
      error: 'WGSL does not compile: line 1:1: x',
    })
    expect(await running).toMatchObject({
      status: 'error',
      error: 'WGSL does not compile: line 1:1: x',
      cpuMillis: 0,
    })
  })

  it('rejects when the host fails, so no receipt is signed for a run that did not happen', async () => {
    const { engine, hostId } = engineWithPage()
    const running = engine.run(RUN, group, options())
    await hosts.poll(hostId)
    hosts.detach(hostId)
    await expect(running).rejects.toThrow(/went away/)
    await expect(engine.run(RUN, group, options())).rejects.toThrow(/runs no GPU jobs: no WebGPU adapter/)
  })
})

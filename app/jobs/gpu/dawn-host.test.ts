/**
 * GPU jobs in the daemon, on Dawn (the `webgpu` package). Where Dawn finds an adapter, the GPU example runs
 * to the output its hash names; where it finds none (no GPU: Dawn refuses Mesa's software Vulkan), the
 * test prints NOT RUN with the reason and is skipped. The host's own refusals run everywhere.
 */
import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { parseDispatch } from '../../../shared/gpu/wgsl-job'
import { jobExamples } from '../examples/catalog'
import { createDawnGpuHost } from './dawn-host'

const dawn = await createDawnGpuHost({ allowSoftware: true })
const state = dawn.state()
if ('reason' in state) console.warn(`NOT RUN: the GPU example on Dawn in the daemon: ${state.reason}`)

describe('the Dawn GPU host', () => {
  it('says why when the webgpu package cannot be loaded', async () => {
    const host = await createDawnGpuHost({
      allowSoftware: true,
      load: () => Promise.reject(new Error("Cannot find package 'webgpu'\nstack")),
    })
    expect(host.state()).toEqual({
      reason: "Dawn (the webgpu package) is not available: Cannot find package 'webgpu'",
    })
    await expect(host.run({} as never, new AbortController().signal)).rejects.toThrow(/not available/)
  })

  it('says why when Dawn finds no adapter', async () => {
    const host = await createDawnGpuHost({
      allowSoftware: true,
      load: async () => ({ requestAdapter: async () => null }) as unknown as GPU,
    })
    expect(host.state()).toEqual({
      reason: 'no WebGPU adapter in the daemon: Dawn found none (WebGPU offers no adapter here)',
    })
  })

  it.skipIf('reason' in state)('runs the GPU example on Dawn’s adapter to its expected output', async () => {
    const example = jobExamples().find((e) => e.runtime === 'wgsl')!
    const dispatch = parseDispatch(example.args)
    if ('problem' in dispatch) throw new Error(dispatch.problem)
    const outcome = await dawn.run(
      {
        code: Buffer.from(example.code, 'base64'),
        input: Buffer.from(example.input, 'base64'),
        dispatch,
        outputBytes: example.limits.outputBytes,
        memoryBytes: example.limits.memoryBytes,
        wallMs: example.limits.wallMs,
      },
      new AbortController().signal,
    )
    expect(outcome.status, outcome.error).toBe('ok')
    expect(createHash('sha256').update(outcome.output).digest('hex')).toBe(example.expectedOutputHash)
    expect(outcome.gpuMillis).toBeGreaterThan(0)
  })
})

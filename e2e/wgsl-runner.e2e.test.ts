/**
 * The shared WGSL runner (shared/gpu/run-wgsl.ts) for real, on Chromium's WebGPU with SwiftShader's
 * software adapter: the GPU example computes the bytes its hash promises, and a shader that does not
 * compile, does not fit the format, runs past its deadline or needs more memory than allowed ends as the
 * job's error, in words.
 */
import { createHash } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { jobExamples } from '../app/jobs/examples/catalog'
import { bundleForBrowser, launchChromium } from './support/chromium'

const MiB = 1024 * 1024
type Runner = {
  adapter(): Promise<{ adapter: { name: string; software: boolean } } | { reason: string }>
  run(
    job: object,
  ): Promise<{ status: string; output: string; gpuMillis: number; timing: string; error?: string }>
}

describe('the WGSL runner in Chromium (SwiftShader)', () => {
  let server: Server
  let browser: Browser
  let page: Page

  beforeAll(async () => {
    const script = await bundleForBrowser('wgsl-in-browser')
    server = createServer((req, res) => {
      if (req.url === '/runner.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(script)
      else res.writeHead(200, { 'content-type': 'text/html' }).end('<script src="/runner.js"></script>')
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    browser = await launchChromium({ webgpu: true })
    page = await browser.newPage()
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`)
    await page.waitForFunction(() => 'wgslRunner' in globalThis)
  })

  afterAll(async () => {
    await browser?.close()
    server?.close()
  })

  const run = (job: object) =>
    page.evaluate((j) => (globalThis as unknown as { wgslRunner: Runner }).wgslRunner.run(j), {
      memoryBytes: 16 * MiB,
      deadlineMs: 10_000,
      input: '',
      ...job,
    })

  it('finds SwiftShader’s adapter and calls it software', async () => {
    const found = await page.evaluate(() =>
      (globalThis as unknown as { wgslRunner: Runner }).wgslRunner.adapter(),
    )
    expect(found).toMatchObject({ adapter: { software: true } })
    expect((found as { adapter: { name: string } }).adapter.name).toMatch(/swiftshader/i)
  })

  it('runs the GPU example to the output its expected hash names, with GPU time measured', async () => {
    const example = jobExamples().find((e) => e.runtime === 'wgsl')!
    const outcome = await run({
      code: Buffer.from(example.code, 'base64').toString(),
      input: example.input,
      args: example.args,
      outputBytes: example.limits.outputBytes,
    })
    expect(outcome.status, outcome.error).toBe('ok')
    const output = Buffer.from(outcome.output, 'base64')
    expect(output.length).toBe(4000)
    expect(createHash('sha256').update(output).digest('hex')).toBe(example.expectedOutputHash)
    expect(outcome.gpuMillis).toBeGreaterThan(0)
    expect(['timestamp-query', 'submit-to-done']).toContain(outcome.timing)
  })

  it('cuts the output at outputBytes and zero-pads the input to whole words', async () => {
    const code = `
      @group(0) @binding(0) var<storage, read> input: array<u32>;
      @group(0) @binding(1) var<storage, read_write> output: array<u32>;
      @compute @workgroup_size(1) fn main() { output[0] = input[0] + 1u; output[1] = arrayLength(&input); }`
    const outcome = await run({
      code,
      input: Buffer.from([1, 2, 3]).toString('base64'),
      args: ['1'],
      outputBytes: 6,
    })
    expect(outcome.status, outcome.error).toBe('ok')
    // 0x00030201 + 1, then one word of input, cut after 6 bytes.
    expect([...Buffer.from(outcome.output, 'base64')]).toEqual([2, 2, 3, 0, 1, 0])
  })

  it('reports a shader that does not compile as the job’s error, with the line', async () => {
    const outcome = await run({ code: 'fn main( {', args: ['1'], outputBytes: 4 })
    expect(outcome.status).toBe('error')
    expect(outcome.error).toMatch(/^WGSL does not compile: line 1:/)
  })

  it('reports a shader without the format’s entry point or bindings as the job’s error', async () => {
    const noMain = await run({
      code: '@compute @workgroup_size(1) fn other() {}',
      args: ['1'],
      outputBytes: 4,
    })
    expect(noMain.status).toBe('error')
    expect(noMain.error).toMatch(/does not fit the WGSL job format/)
    const wrongBinding = await run({
      code: `@group(0) @binding(1) var<uniform> output: vec4<u32>;
             @compute @workgroup_size(1) fn main() { _ = output.x; }`,
      args: ['1'],
      outputBytes: 4,
    })
    expect(wrongBinding.status).toBe('error')
    expect(wrongBinding.error).toMatch(/does not fit the WGSL job format/)
  })

  it('ends a run at its deadline as a timeout', async () => {
    const code = `
      @group(0) @binding(0) var<storage, read> input: array<u32>;
      @group(0) @binding(1) var<storage, read_write> output: array<u32>;
      @compute @workgroup_size(64) fn main(@builtin(global_invocation_id) id: vec3<u32>) {
        var x = id.x;
        for (var i = 0u; i < 100000000u; i = i + 1u) { x = x * 1664525u + 1013904223u; }
        output[id.x % 4u] = x;
      }`
    const started = Date.now()
    const outcome = await run({ code, args: ['1024'], outputBytes: 16, deadlineMs: 500 })
    expect(outcome.status).toBe('timeout')
    expect(outcome.error).toMatch(/ran past its 500 ms/)
    expect(Date.now() - started).toBeLessThan(20_000)
  })

  it('refuses buffers above the job’s memory limit before touching the GPU', async () => {
    const outcome = await run({ code: 'x', args: ['1'], outputBytes: 8 * MiB, memoryBytes: 16 * MiB })
    expect(outcome.status).toBe('memory')
    expect(outcome.error).toMatch(/above its memory limit/)
  })
})

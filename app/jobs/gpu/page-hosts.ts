/**
 * Pages that lend their WebGPU adapter to the node (shared/gpu-schemas.ts): the UI in a browser, or the
 * desktop app's hidden GPU window. A page attaches, long-polls for a task, reads its code and input,
 * sends its output and finishes; one task per page at a time, handed to whichever page asks first.
 *
 * What a page may hold is bounded: pages at once, chunk sizes, output exactly the task's size, GPU time
 * at most the time the task was out. A page that stops polling is dropped; a task not finished by its
 * deadline and a grace for the transfers fails, and its page is dropped.
 */
import { randomBytes } from 'node:crypto'
import type { GpuAttached, GpuFinish, GpuTask } from '../../../shared/gpu-schemas'
import { GPU_POLL_WAIT_MS } from '../../../shared/gpu-schemas'
import type { AdapterSummary, WgslOutcome } from '../../../shared/gpu/run-wgsl'
import { JobRequestError } from '../errors'
import { softwareRefusal, type GpuHost, type GpuHostState, type WgslRun } from './gpu-host'

/** Pages attached at once. */
export const MAX_PAGES = 8
/** A page that neither polls nor runs a task for this long is dropped. */
export const PAGE_SILENCE_MS = 3 * GPU_POLL_WAIT_MS
/** Beyond a task's own deadline: time for the page to read its code and input and send its output. */
export const TRANSFER_GRACE_MS = 30_000
const SWEEP_MS = 2_000

interface Page {
  id: string
  adapter: AdapterSummary
  used: boolean
  lastSeen: number
  /** The poll waiting for a task, if any. */
  waiting: ((task: GpuTask | null) => void) | null
  task: Task | null
}

interface Task {
  id: string
  job: WgslRun
  page: Page | null
  outAt: number
  output: Uint8Array
  received: number
  settle(outcome: WgslOutcome | Error): void
}

export interface PageGpuHostsOptions {
  /** Whether a software adapter (SwiftShader, llvmpipe) runs jobs: only when its owner opts in. */
  allowSoftware: boolean
  /** Beyond a task's deadline, for its transfers; default TRANSFER_GRACE_MS. */
  graceMs?: number
  now?: () => number
}

export class PageGpuHosts implements GpuHost {
  private readonly pages = new Map<string, Page>()
  private readonly queue: Task[] = []
  private readonly now: () => number
  private sweeper: ReturnType<typeof setInterval> | null = null

  constructor(private readonly options: PageGpuHostsOptions) {
    this.now = options.now ?? Date.now
  }

  start(): void {
    this.sweeper ??= setInterval(() => this.sweep(), SWEEP_MS)
    this.sweeper.unref()
  }

  stop(): void {
    if (this.sweeper != null) clearInterval(this.sweeper)
    this.sweeper = null
    for (const page of [...this.pages.values()]) this.drop(page, 'the node stopped')
    for (const task of this.queue.splice(0)) task.settle(new Error('the node stopped'))
  }

  state(): GpuHostState {
    const attached = [...this.pages.values()]
    const used = attached.find((p) => p.used && !p.adapter.software) ?? attached.find((p) => p.used)
    if (used != null) return { adapter: used.adapter, host: 'page' }
    const software = attached.find((p) => p.adapter.software)
    if (software != null) return { reason: softwareRefusal(software.adapter) }
    return {
      reason:
        'no WebGPU adapter: no page with WebGPU is attached (open the UI in a browser with WebGPU, or the desktop app)',
    }
  }

  /** Pages attached now. */
  get count(): number {
    return this.pages.size
  }

  attach(adapter: AdapterSummary): GpuAttached {
    if (this.pages.size >= MAX_PAGES)
      throw new JobRequestError('busy', `${MAX_PAGES} pages are attached as GPU hosts already`)
    const used = !adapter.software || this.options.allowSoftware
    const page: Page = {
      id: randomBytes(16).toString('hex'),
      adapter,
      used,
      lastSeen: this.now(),
      waiting: null,
      task: null,
    }
    this.pages.set(page.id, page)
    return { hostId: page.id, used, reason: used ? null : softwareRefusal(adapter) }
  }

  detach(hostId: string): boolean {
    const page = this.pages.get(hostId)
    if (page == null) return false
    this.drop(page, 'the page detached')
    return true
  }

  /** The next task for the page, waiting up to GPU_POLL_WAIT_MS; null when none came. */
  poll(hostId: string, waitMs = GPU_POLL_WAIT_MS): Promise<GpuTask | null> {
    const page = this.page(hostId)
    page.waiting?.(null)
    page.waiting = null
    if (page.task != null) return Promise.resolve(taskOf(page.task))
    const next = page.used ? this.queue.shift() : undefined
    if (next != null) return Promise.resolve(this.assign(next, page))
    return new Promise((resolve) => {
      const timer = setTimeout(() => answer(null), waitMs)
      const answer = (task: GpuTask | null): void => {
        clearTimeout(timer)
        if (page.waiting === answer) page.waiting = null
        page.lastSeen = this.now()
        resolve(task)
      }
      page.waiting = answer
    })
  }

  readTask(hostId: string, taskId: string, part: 'code' | 'input', offset: number, length: number): string {
    const task = this.taskOf(hostId, taskId)
    const bytes = part === 'code' ? task.job.code : task.job.input
    if (offset > bytes.length)
      throw new JobRequestError(
        'bad-request',
        `the ${part} is ${bytes.length} bytes; offset ${offset} is past it`,
      )
    return Buffer.from(bytes.subarray(offset, offset + length)).toString('base64')
  }

  output(hostId: string, taskId: string, offset: number, data: string): number {
    const task = this.taskOf(hostId, taskId)
    const bytes = Buffer.from(data, 'base64')
    if (offset !== task.received)
      throw new JobRequestError('bad-request', `output continues at byte ${task.received}, not ${offset}`)
    if (task.received + bytes.length > task.job.outputBytes)
      throw new JobRequestError(
        'bad-request',
        `the task's output is ${task.job.outputBytes} bytes; this is more`,
      )
    task.output.set(bytes, task.received)
    task.received += bytes.length
    return task.received
  }

  finish(result: GpuFinish): boolean {
    const task = this.taskOf(result.hostId, result.taskId)
    if (result.status === 'ok' && task.received !== task.job.outputBytes)
      throw new JobRequestError(
        'bad-request',
        `an ok run returns all ${task.job.outputBytes} output bytes; ${task.received} arrived`,
      )
    const outMs = this.now() - task.outAt
    this.release(task)
    task.settle({
      status: result.status,
      output: result.status === 'ok' ? task.output : new Uint8Array(0),
      gpuMillis: Math.min(result.gpuMillis, outMs),
      timing: result.timing,
      wallMs: outMs,
      ...(result.error != null ? { error: result.error } : {}),
    })
    return true
  }

  run(job: WgslRun, signal: AbortSignal): Promise<WgslOutcome> {
    if ('reason' in this.state())
      return Promise.reject(new Error((this.state() as { reason: string }).reason))
    return new Promise((resolve, reject) => {
      const limitMs = job.wallMs + (this.options.graceMs ?? TRANSFER_GRACE_MS)
      const deadline = setTimeout(
        () => fail(new Error(`the page running the GPU job did not finish it within ${limitMs} ms`)),
        limitMs,
      )
      const fail = (err: Error): void => {
        const page = task.page
        task.settle(err)
        // A page that blew its deadline is gone or stuck: it attaches again if it is still there.
        if (page != null && !signal.aborted) this.drop(page, err.message)
        else this.release(task)
      }
      const onAbort = (): void => fail(new Error('the run was cancelled'))
      const task: Task = {
        id: randomBytes(16).toString('hex'),
        job,
        page: null,
        outAt: 0,
        output: new Uint8Array(job.outputBytes),
        received: 0,
        settle: (outcome) => {
          clearTimeout(deadline)
          signal.removeEventListener('abort', onAbort)
          const queued = this.queue.indexOf(task)
          if (queued >= 0) this.queue.splice(queued, 1)
          task.settle = () => {}
          if (outcome instanceof Error) reject(outcome)
          else resolve(outcome)
        },
      }
      signal.addEventListener('abort', onAbort, { once: true })
      const idle = [...this.pages.values()].find((p) => p.used && p.task == null && p.waiting != null)
      if (idle != null) idle.waiting!(this.assign(task, idle))
      else this.queue.push(task)
    })
  }

  private assign(task: Task, page: Page): GpuTask {
    task.page = page
    task.outAt = this.now()
    page.task = task
    return taskOf(task)
  }

  private release(task: Task): void {
    if (task.page != null && task.page.task === task) task.page.task = null
    task.page = null
  }

  private page(hostId: string): Page {
    const page = this.pages.get(hostId)
    if (page == null)
      throw new JobRequestError(
        'not-found',
        'this page is not attached as a GPU host (any more); attach again',
      )
    page.lastSeen = this.now()
    return page
  }

  private taskOf(hostId: string, taskId: string): Task {
    const task = this.page(hostId).task
    if (task == null || task.id !== taskId)
      throw new JobRequestError(
        'not-found',
        `task ${taskId} is not this page's task (it ended or was cancelled)`,
      )
    return task
  }

  private drop(page: Page, why: string): void {
    this.pages.delete(page.id)
    page.waiting?.(null)
    page.waiting = null
    const task = page.task
    page.task = null
    if (task != null) {
      task.page = null
      task.settle(new Error(`the page running the GPU job went away: ${why}`))
    }
  }

  private sweep(): void {
    const now = this.now()
    for (const page of [...this.pages.values()])
      if (page.task == null && page.waiting == null && now - page.lastSeen > PAGE_SILENCE_MS)
        this.drop(page, `it did not poll for ${PAGE_SILENCE_MS / 1000} s`)
  }
}

function taskOf(task: Task): GpuTask {
  const { job } = task
  return {
    taskId: task.id,
    codeBytes: job.code.length,
    inputBytes: job.input.length,
    dispatch: job.dispatch,
    outputBytes: job.outputBytes,
    memoryBytes: job.memoryBytes,
    deadlineMs: job.wallMs,
  }
}

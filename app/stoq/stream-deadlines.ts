/**
 * Deadlines on the owner's side of the lease and proxy streams. Any peer may open them, so none may hold
 * one by saying nothing: the lease (or the lease request) must come soon after the stream opens, each
 * frame of a request's data soon after the one before, and a held lease must show signs of life between
 * requests (the holder's client sends a keep-alive when it has nothing else to send). Writes to a peer
 * that stops reading are bounded the same way. Without these, a silent stream held a slot until the
 * muxer's 120 s of inactivity.
 */

export interface StreamDeadlines {
  /** From a stream's opening to its first frame (the lease, or the lease request). */
  openMs: number
  /** For each frame of data within a request, and for each MiB of an answer to be taken up. */
  frameMs: number
  /** Between requests on a held lease. */
  idleMs: number
}

export const STREAM_DEADLINES: StreamDeadlines = { openMs: 10_000, frameMs: 30_000, idleMs: 90_000 }

/** How often a holder with nothing else to send tells the owner it is still there (well within idleMs). */
export const KEEPALIVE_MS = 30_000

export class DeadlineError extends Error {
  constructor(what: string, ms: number) {
    super(`${what} took longer than ${ms} ms`)
    this.name = 'DeadlineError'
  }
}

/**
 * Runs `io` with a signal that aborts after `ms` (with a DeadlineError naming `what`). The timer is
 * cleared as soon as `io` settles, so finished reads leave no timer behind.
 */
export async function withDeadline<T>(
  ms: number,
  what: string,
  io: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController()
  const timer = setTimeout(() => controller.abort(new DeadlineError(what, ms)), ms)
  try {
    return await io(controller.signal)
  } finally {
    clearTimeout(timer)
  }
}

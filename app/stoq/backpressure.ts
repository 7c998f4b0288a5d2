/**
 * Writing to a libp2p stream at the pace the link takes it.
 *
 * Use {@link drained}, not `stream.onDrain()`: in @libp2p/utils 7.4.1 `onDrain()` keeps the first drain's
 * promise once it has resolved, so from the second wait on it resolves at once. A loop that waits on it
 * then queues without limit and never yields to I/O; over a 100 Mbit link that starved the event loop until
 * the peer's connection monitor gave up on the connection (found building ./link, see docs/stoq.md).
 */
import type { AbortOptions, Stream } from '@libp2p/interface'

/** Resolves at the stream's next 'drain'; rejects if it closes first or `signal` aborts. */
export function drained(stream: Stream, options: AbortOptions = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    const { signal } = options
    const cleanup = (): void => {
      stream.removeEventListener('drain', onDrain)
      stream.removeEventListener('close', onClose)
      signal?.removeEventListener('abort', onAbort)
    }
    const onDrain = (): void => (cleanup(), resolve())
    const onClose = (event: Event): void => {
      cleanup()
      reject(
        (event as Event & { error?: Error }).error ?? new Error('the stream closed while waiting to send'),
      )
    }
    const onAbort = (): void => (cleanup(), reject(signal?.reason as Error))
    if (signal?.aborted === true) return onAbort()
    stream.addEventListener('drain', onDrain)
    stream.addEventListener('close', onClose)
    signal?.addEventListener('abort', onAbort)
  })
}

/** Sends every chunk, waiting for 'drain' whenever the stream says its buffers are full. */
export async function sendAll(
  stream: Stream,
  chunks: Iterable<Uint8Array> | AsyncIterable<Uint8Array>,
  options: AbortOptions = {},
): Promise<number> {
  let sent = 0
  for await (const chunk of chunks) {
    options.signal?.throwIfAborted()
    sent += chunk.byteLength
    if (!stream.send(chunk)) await drained(stream, options)
  }
  return sent
}

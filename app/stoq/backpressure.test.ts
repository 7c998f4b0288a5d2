import { describe, expect, it } from 'vitest'
import type { Stream } from '@libp2p/interface'
import { drained, sendAll } from './backpressure'

/** A stream whose buffers fill on every other send, and drain when the test says so. */
function slowStream() {
  const target = new EventTarget()
  const sent: Uint8Array[] = []
  const stream = Object.assign(target, {
    send: (chunk: Uint8Array) => (sent.push(chunk), sent.length % 2 === 1),
  }) as unknown as Stream
  return {
    stream,
    sent,
    drain: () => target.dispatchEvent(new Event('drain')),
    close: (error?: Error) => target.dispatchEvent(Object.assign(new Event('close'), { error })),
  }
}

const tick = () => new Promise((resolve) => setImmediate(resolve))

describe('sendAll', () => {
  it('waits for a drain every time the stream is full, not only the first time', async () => {
    const s = slowStream()
    const chunks = Array.from({ length: 6 }, (_, i) => new Uint8Array([i]))
    const done = sendAll(s.stream, chunks)
    for (let drains = 1; drains <= 3; drains++) {
      await tick()
      // Two sends (the second one filled the buffers), then nothing until the drain.
      expect(s.sent.length).toBe(2 * drains)
      s.drain()
    }
    await expect(done).resolves.toBe(6)
    expect(s.sent.map((c) => c[0])).toEqual([0, 1, 2, 3, 4, 5])
  })

  it('fails with the reason when the stream closes while it waits', async () => {
    const s = slowStream()
    const done = sendAll(s.stream, [new Uint8Array(1), new Uint8Array(1), new Uint8Array(1)])
    await tick()
    s.close(new Error('reset by peer'))
    await expect(done).rejects.toThrow('reset by peer')
  })

  it('stops when aborted', async () => {
    const s = slowStream()
    const controller = new AbortController()
    const done = sendAll(s.stream, [new Uint8Array(1), new Uint8Array(1), new Uint8Array(1)], controller)
    await tick()
    controller.abort(new Error('user cancelled'))
    await expect(done).rejects.toThrow('user cancelled')
    expect(s.sent.length).toBe(2)
  })
})

describe('drained', () => {
  it('removes its listeners once settled', async () => {
    const s = slowStream()
    const wait = drained(s.stream)
    s.drain()
    await wait
    const listeners = (s.stream as unknown as EventTarget & { listenerCount?: unknown }).dispatchEvent(
      new Event('close'),
    )
    // A late close does not reject the settled wait (nothing is listening any more).
    expect(listeners).toBe(true)
  })

  it('rejects at once when the signal has already aborted', async () => {
    const s = slowStream()
    await expect(drained(s.stream, { signal: AbortSignal.abort(new Error('gone')) })).rejects.toThrow('gone')
  })
})

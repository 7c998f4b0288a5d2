import { describe, expect, it } from 'vitest'
import { parseDaemonArgs } from './cli-args'

describe('daemon flags', () => {
  it('reads --max-connections into the connection limit, and --print-heap-flags', () => {
    const options = parseDaemonArgs([
      '--data-dir',
      '/tmp/x',
      '--max-connections',
      '10000',
      '--print-heap-flags',
    ])
    expect(options.config.connections?.maxConnections).toBe(10_000)
    expect(options.printHeapFlags).toBe(true)
    expect(parseDaemonArgs(['--data-dir', '/tmp/x']).config.connections?.maxConnections).toBeUndefined()
    expect(parseDaemonArgs(['--data-dir', '/tmp/x']).printHeapFlags).toBe(false)
  })

  it.each(['many', '0', '-5', '2.5', ''])('refuses --max-connections "%s", naming the flag', (value) => {
    expect(() => parseDaemonArgs([`--max-connections=${value}`])).toThrow(
      /--max-connections must be a whole number above 0/,
    )
  })

  it('refuses a bad port and an unknown flag', () => {
    expect(() => parseDaemonArgs(['--port', '70000'])).toThrow(/--port must be a port number/)
    expect(() => parseDaemonArgs(['--no-such-flag'])).toThrow()
  })
})

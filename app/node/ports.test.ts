import { afterEach, describe, expect, it } from 'vitest'
import { createSocket, type Socket } from 'node:dgram'
import { createServer, type Server } from 'node:net'
import { multiaddr } from '@multiformats/multiaddr'
import { choosePort, isPortFree, listenerKindOf } from './ports'

let held: Array<Server | Socket> = []
afterEach(() => {
  for (const h of held) h.close()
  held = []
})

const holdTcp = (): Promise<number> =>
  new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () =>
      resolve((server.address() as { port: number }).port),
    )
    held.push(server)
  })

const holdUdp = (): Promise<number> =>
  new Promise((resolve) => {
    const socket = createSocket('udp4')
    socket.bind(0, '127.0.0.1', () => resolve(socket.address().port))
    held.push(socket)
  })

describe('listenerKindOf', () => {
  const kind = (text: string) => listenerKindOf(multiaddr(text).getComponents())
  it('tells each listener by its address', () => {
    expect(kind('/ip4/0.0.0.0/tcp/4001')).toBe('tcp')
    expect(kind('/ip4/0.0.0.0/tcp/4002/ws')).toBe('ws')
    expect(kind('/ip4/0.0.0.0/udp/4003/quic-v1')).toBe('quic')
    expect(kind('/ip4/0.0.0.0/udp/4004/webrtc-direct/certhash/uEiAbc')).toBe('webrtc')
    expect(kind('/ip4/0.0.0.0/udp/4005')).toBeUndefined()
  })
})

describe('ports', () => {
  it('sees a TCP port another program holds, and moves to any free port', async () => {
    const port = await holdTcp()
    expect(await isPortFree(port, '127.0.0.1')).toBe(false)
    expect(await choosePort(port, ['127.0.0.1'])).toBe(0)
  })

  it('sees a UDP port another program holds (QUIC), and moves to any free port', async () => {
    const port = await holdUdp()
    expect(await isPortFree(port, '127.0.0.1', 'udp')).toBe(false)
    expect(await choosePort(port, ['127.0.0.1'], 'udp')).toBe(0)
    // The same number is free for TCP: the two are separate.
    expect(await isPortFree(port, '127.0.0.1', 'tcp')).toBe(true)
  })

  it('keeps a free port, and port 0 is always free', async () => {
    const port = await holdUdp()
    held.pop()?.close()
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect(await choosePort(port, ['127.0.0.1'], 'udp')).toBe(port)
    expect(await isPortFree(0, '127.0.0.1', 'udp')).toBe(true)
  })
})

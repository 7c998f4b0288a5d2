/** Port helpers: a configured port that another program holds must not stop the node from starting. */
import { createSocket } from 'node:dgram'
import { isIPv6 } from 'node:net'
import { createServer } from 'node:net'

export type PortProtocol = 'tcp' | 'udp'

function isUdpPortFree(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createSocket(isIPv6(host) ? 'udp6' : 'udp4')
    socket.once('error', () => (socket.close(), resolve(false)))
    socket.bind({ port, address: host, exclusive: true }, () => socket.close(() => resolve(true)))
  })
}

/** True if `port` can be bound on `host` now. Port 0 is always free. */
export function isPortFree(port: number, host: string, protocol: PortProtocol = 'tcp'): Promise<boolean> {
  if (port === 0) return Promise.resolve(true)
  if (protocol === 'udp') return isUdpPortFree(port, host)
  return new Promise((resolve) => {
    const server = createServer()
    server.once('error', () => resolve(false))
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)))
  })
}

/** The port to use: the configured one if free on every host, else 0 (any free port). */
export async function choosePort(
  port: number,
  hosts: string[],
  protocol: PortProtocol = 'tcp',
): Promise<number> {
  for (const host of hosts) if (!(await isPortFree(port, host, protocol))) return 0
  return port
}

/** Which of the node's listeners a listen address belongs to. */
export type ListenerKind = 'tcp' | 'ws' | 'quic' | 'webrtc'

export function listenerKindOf(parts: Array<{ name: string }>): ListenerKind | undefined {
  const has = (name: string): boolean => parts.some((p) => p.name === name)
  if (has('quic-v1')) return 'quic'
  if (has('webrtc-direct')) return 'webrtc'
  if (!has('tcp')) return undefined
  return has('ws') ? 'ws' : 'tcp'
}

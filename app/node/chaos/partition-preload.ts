/**
 * Loaded into each node process of a chaos testnet (`node --import chaos-preload.js …`, never into a
 * node started any other way): it lets the testnet cut this node off from chosen TCP ports, without root.
 * While a partition holds, a dial to a port of the other side fails at once, as a refused connection does,
 * and every socket this node dialed to such a port is destroyed. The testnet sends the ports over the IPC
 * channel it spawned the node with. Every connection between two nodes was dialed by one of them, so
 * cutting at the dialer's end cuts it for both; the testnet runs its nodes on TCP only (no QUIC, no WebRTC)
 * so that nothing goes around it.
 */
import net from 'node:net'
import { PARTITION_MESSAGE } from './partition-message'

let blocked = new Set<number>()
/** Each socket this node dialed, and the port it dialed (a socket still connecting has no remotePort). */
const dialed = new Map<net.Socket, number>()
const connect = net.Socket.prototype.connect

/** The port a Socket#connect call dials: its options, normalized arguments, or (port, host). */
function portOf(args: unknown[]): number | null {
  let first = args[0]
  // net.connect passes its arguments normalized: an array whose first item is the options.
  if (Array.isArray(first)) first = first[0]
  if (typeof first === 'number' || typeof first === 'string') return Number(first)
  if (typeof first === 'object' && first != null && 'port' in first) return Number(first.port)
  return null
}

net.Socket.prototype.connect = function (this: net.Socket, ...args: unknown[]) {
  const port = portOf(args)
  if (port != null && blocked.has(port)) {
    const refused = Object.assign(new Error(`connect ECONNREFUSED (chaos partition) port ${port}`), {
      code: 'ECONNREFUSED',
    })
    process.nextTick(() => this.destroy(refused))
    return this
  }
  if (port != null) {
    dialed.set(this, port)
    this.once('close', () => dialed.delete(this))
  }
  return (connect as (...a: unknown[]) => net.Socket).apply(this, args)
} as typeof net.Socket.prototype.connect

process.on('message', (message: unknown) => {
  if (typeof message !== 'object' || message == null) return
  const { type, ports } = message as { type?: unknown; ports?: unknown }
  if (type !== PARTITION_MESSAGE || !Array.isArray(ports)) return
  blocked = new Set(ports.filter((p): p is number => Number.isInteger(p)))
  for (const [socket, port] of dialed) if (blocked.has(port)) socket.destroy()
})
// The channel must not keep the node running once it is asked to stop.
process.channel?.unref()

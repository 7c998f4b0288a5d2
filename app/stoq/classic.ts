import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { tcp } from '@libp2p/tcp'
import { webSockets } from '@libp2p/websockets'
import type { ListenOptions, TransportProfile } from './profile'

/** TCP + WebSockets, Noise XX (X25519, ChaCha20-Poly1305), yamux. Classical security only. */
export function classicTransportProfile(): TransportProfile {
  return {
    name: 'classic (TCP/WebSockets, Noise X25519, yamux)',
    postQuantum: false,
    libp2pOptions: () => ({
      transports: [tcp(), webSockets()],
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()],
    }),
    listenAddresses: (o: ListenOptions) => {
      const hosts: Array<[string, string]> = []
      if (o.ipv6) hosts.push(['ip6', o.loopbackOnly ? '::1' : '::'])
      hosts.push(['ip4', o.loopbackOnly ? '127.0.0.1' : '0.0.0.0'])
      return hosts.flatMap(([family, host]) => [
        `/${family}/${host}/tcp/${o.tcpPort}`,
        `/${family}/${host}/tcp/${o.wsPort}/ws`,
      ])
    },
  }
}

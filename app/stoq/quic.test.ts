/** STOQ over QUIC between real libp2p nodes on loopback, IPv4 and IPv6 (the shared pipe suite). */
import { quic } from '@chainsafe/libp2p-quic'
import { stoqPipeTransportComplianceTests } from '../../test/compliance/stoq-pipe-transport'
import { stoqOverQuic } from './quic'

stoqPipeTransportComplianceTests({
  name: 'QUIC',
  stoqTransport: () => stoqOverQuic(),
  plainTransport: () => quic(),
  listen: ['/ip4/127.0.0.1/udp/0/quic-v1', '/ip6/::1/udp/0/quic-v1'],
  families: ['ip4', 'ip6'],
  plainListen: '/ip4/127.0.0.1/udp/0/quic-v1',
  addressPattern: /\/udp\/\d+\/quic-v1\/p2p\//,
})

/** Plausible data in the contract's shapes, for tests and the demo page. */
import type { HardwareSnapshot, LanOffer, NetworkInfo, NodeStatus, PeerInfo } from '../../../shared/api'

const GiB = 1024 ** 3
export const SAMPLE_NOW = 1_760_000_000_000

export const ownPeerId = '12D3KooWQ8hS5vXb1ZzR9yTq7jKpN2cLmE4fGtH6uVwXyA3bCdEf'
export const otherPeerIds = [
  '12D3KooWAbCdEfGhJkMnPqRsTuVwXyZ123456789abcdefghijkm',
  '12D3KooWZx9Yw8Vu7Ts6Rq5Pn4Mk3Jh2Gf1EdCbAzyxwvutsrqp',
] as const

export const ownDevnet: NetworkInfo = {
  networkId: 'a3f1c2d4e5b60718293a4b5c6d7e8f90112233445566778899aabbccddeeff00',
  name: 'devnet-q8hs5v',
  isOwnDevnet: true,
  joinedAt: SAMPLE_NOW - 3_723_000,
}

export const friendsNetwork: NetworkInfo = {
  networkId: '5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d',
  name: 'friends-lab',
  isOwnDevnet: false,
  joinedAt: SAMPLE_NOW,
}

export const sampleStatus = (network: NetworkInfo = ownDevnet): NodeStatus => ({
  peerId: ownPeerId,
  falconFingerprint: '9f86d081884c7d659a2feaa0c55ad015',
  network,
  listenAddresses: [
    `/ip6/::1/tcp/40123/p2p/${ownPeerId}`,
    `/ip4/127.0.0.1/tcp/40123/p2p/${ownPeerId}`,
    `/ip4/192.168.1.23/tcp/40123/ws/p2p/${ownPeerId}`,
  ],
  startedAt: SAMPLE_NOW - 3_723_000,
  uptimeMs: 3_723_000,
  version: '0.1.0',
  mode: 'headless',
  transport: {
    name: 'STOQ (Noise_XXhfs_25519+MLKEM1024_ChaChaPoly_SHA256) over TCP/WebSockets, yamux',
    postQuantum: true,
  },
})

export const samplePeers: PeerInfo[] = [
  {
    peerId: otherPeerIds[0],
    addresses: ['/ip4/192.168.1.40/tcp/40001', '/ip6/fe80::1/tcp/40001'],
    direction: 'outbound',
    connectedAt: SAMPLE_NOW - 125_000,
    latencyMs: 12.4,
    encryption: '/stoq/1.0.0',
    postQuantum: true,
  },
  {
    peerId: otherPeerIds[1],
    addresses: ['/ip4/192.168.1.41/tcp/40002'],
    direction: 'inbound',
    connectedAt: SAMPLE_NOW - 9_000,
    latencyMs: null,
    encryption: '/stoq/1.0.0',
    postQuantum: true,
  },
]

export const sampleLanOffers: LanOffer[] = [
  {
    peerId: otherPeerIds[1],
    addresses: ['/ip4/192.168.1.41/tcp/40002'],
    seenAt: SAMPLE_NOW,
  },
]

export const sampleHardware: HardwareSnapshot = {
  cpu: {
    model: 'AMD Ryzen 7 7840U w/ Radeon 780M Graphics',
    vendor: 'AMD',
    cores: 16,
    physicalCores: 8,
    speedGHz: 3.3,
    loadPercent: 23.6,
    temperatureC: 54,
  },
  memory: { totalBytes: 32 * GiB, usedBytes: 11.3 * GiB, availableBytes: 20.7 * GiB },
  gpus: [
    {
      model: 'Radeon 780M',
      vendor: 'AMD',
      vramBytes: 2 * GiB,
      utilizationPercent: null,
      memoryUsedBytes: null,
      temperatureC: null,
      source: 'systeminformation',
    },
  ],
  disks: [
    { mount: '/', fsType: 'ext4', sizeBytes: 476 * GiB, usedBytes: 201 * GiB, availableBytes: 275 * GiB },
    {
      mount: '/data',
      fsType: 'xfs',
      sizeBytes: 1863 * GiB,
      usedBytes: 1500 * GiB,
      availableBytes: 363 * GiB,
    },
  ],
  readAt: SAMPLE_NOW,
}

/** A well-formed invite for the sample network (the real encoding is the node's business). */
export const sampleInvite = `hm1:${friendsNetwork.networkId}@/ip4/192.168.1.41/tcp/40002/p2p/${otherPeerIds[1]}`

/**
 * Runtime schemas for everything that crosses the line between the UI and the node.
 * Both carriers (Electron IPC and the local WebSocket/HTTP API) validate against these.
 */
import { z } from 'zod'

/** A libp2p peer id in its base58btc text form (Ed25519 keys give "12D3KooW…"). */
export const PeerIdText = z
  .string()
  .min(16)
  .max(128)
  .regex(/^[1-9A-HJ-NP-Za-km-z]+$/, 'a peer id is base58btc text')

/**
 * A SHA-256 hash, or an id of 32 bytes (network, asset, lease, file, block, transaction): 64 lowercase hex
 * characters. The one schema for all of them, so that every layer accepts exactly one spelling.
 */
export const HEX64 = /^[0-9a-f]{64}$/
const hex64Text = (what: string) => z.string().regex(HEX64, `${what} is 64 hex characters`)
export const HashText = hex64Text('a hash or id')

/** A network id: the hex SHA-256 of the network's canonical genesis document. */
export const NetworkIdText = hex64Text('a network id')

export const NetworkInfo = z.object({
  networkId: NetworkIdText,
  name: z.string(),
  /** True while this node is on the one-node devnet it created at first start. */
  isOwnDevnet: z.boolean(),
  joinedAt: z.number(),
})
export type NetworkInfo = z.infer<typeof NetworkInfo>

export const NodeStatus = z.object({
  peerId: PeerIdText,
  /** First 16 bytes (hex) of SHA-256 over the node's FALCON-1024 public key. */
  falconFingerprint: z.string(),
  network: NetworkInfo,
  listenAddresses: z.array(z.string()),
  startedAt: z.number(),
  uptimeMs: z.number(),
  version: z.string(),
  mode: z.enum(['desktop', 'headless']),
  /** How this node secures its connections. */
  transport: z.object({ name: z.string(), postQuantum: z.boolean() }),
})
export type NodeStatus = z.infer<typeof NodeStatus>

export const PeerInfo = z.object({
  peerId: PeerIdText,
  addresses: z.array(z.string()),
  direction: z.enum(['inbound', 'outbound']),
  connectedAt: z.number(),
  /** Round-trip time of the last libp2p ping, null until one has completed. */
  latencyMs: z.number().nullable(),
  /** The connection encrypter, e.g. "/stoq/1.0.0"; `postQuantum` says whether its keys are post-quantum. */
  encryption: z.string(),
  postQuantum: z.boolean(),
})
export type PeerInfo = z.infer<typeof PeerInfo>

/**
 * A HyperMesh node found on the local network (mDNS) that is not a known member of this node's network.
 * Its network is not named: a node tells nothing of its network to a peer that has not proved membership,
 * so joining it takes an invite from its user.
 */
export const LanOffer = z.object({
  peerId: PeerIdText,
  addresses: z.array(z.string()),
  seenAt: z.number(),
})
export type LanOffer = z.infer<typeof LanOffer>

export const CpuReading = z.object({
  model: z.string(),
  vendor: z.string(),
  cores: z.number().int(),
  physicalCores: z.number().int(),
  speedGHz: z.number(),
  loadPercent: z.number(),
  /** Package temperature where the OS reports one. */
  temperatureC: z.number().nullable(),
})
export const MemoryReading = z.object({
  totalBytes: z.number(),
  usedBytes: z.number(),
  availableBytes: z.number(),
})
export const GpuReading = z.object({
  model: z.string(),
  vendor: z.string(),
  vramBytes: z.number().nullable(),
  /** Live figures, where the driver reports them (nvidia-smi for NVIDIA; null elsewhere). */
  utilizationPercent: z.number().nullable(),
  memoryUsedBytes: z.number().nullable(),
  temperatureC: z.number().nullable(),
  /** Where the live figures come from. */
  source: z.enum(['nvidia-smi', 'systeminformation']),
})
export const DiskReading = z.object({
  mount: z.string(),
  fsType: z.string(),
  sizeBytes: z.number(),
  usedBytes: z.number(),
  availableBytes: z.number(),
})
export const HardwareSnapshot = z.object({
  cpu: CpuReading,
  memory: MemoryReading,
  gpus: z.array(GpuReading),
  disks: z.array(DiskReading),
  readAt: z.number(),
})
export type CpuReading = z.infer<typeof CpuReading>
export type MemoryReading = z.infer<typeof MemoryReading>
export type GpuReading = z.infer<typeof GpuReading>
export type DiskReading = z.infer<typeof DiskReading>
export type HardwareSnapshot = z.infer<typeof HardwareSnapshot>

/** A link's class: the standard Ethernet rate its measured bandwidth fits under (app/stoq/link/tiers.ts). */
export const LinkTier = z.enum(['100M', '1G', '2.5G', 'faster'])
export type LinkTier = z.infer<typeof LinkTier>

/** The transport's own measurements: handshakes, traffic, and a one-minute throughput history. */
export const TransportStats = z.object({
  handshakes: z.object({
    succeeded: z.number().int(),
    failed: z.number().int(),
    failuresByReason: z.record(z.string(), z.number().int()),
  }),
  /** Classical Noise refused from peers known to speak STOQ: attempted downgrades. */
  downgradesRefused: z.number().int(),
  handshakeMs: z.object({ p50: z.number().nullable(), p99: z.number().nullable() }),
  bytesSent: z.number(),
  bytesReceived: z.number(),
  sentBitsPerSecond: z.number(),
  receivedBitsPerSecond: z.number(),
  history: z.array(
    z.object({ at: z.number(), sentBitsPerSecond: z.number(), receivedBitsPerSecond: z.number() }),
  ),
  connections: z.array(
    z.object({
      remotePeer: z.string(),
      bytesSent: z.number(),
      bytesReceived: z.number(),
      sentBitsPerSecond: z.number(),
      receivedBitsPerSecond: z.number(),
      /** What the connection measured of its link; nulls until it has carried enough traffic. */
      link: z.object({
        sendBitsPerSecond: z.number().nullable(),
        receiveBitsPerSecond: z.number().nullable(),
        bitsPerSecond: z.number().nullable(),
        minRttMs: z.number().nullable(),
        rttMs: z.number().nullable(),
        tier: LinkTier.nullable(),
      }),
      maxStreamWindowBytes: z.number().nullable(),
    }),
  ),
})
export type TransportStats = z.infer<typeof TransportStats>

/** Invites are short; anything longer than this is refused before decoding. */
export const MAX_INVITE_LENGTH = 2048

export const Empty = z.object({}).strict()
export const InviteText = z.object({ invite: z.string().min(1).max(MAX_INVITE_LENGTH) }).strict()

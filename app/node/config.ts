/**
 * Node settings: `<dataDir>/config.json`, validated on load; command-line overrides win for one run.
 * Unknown or invalid settings are refused with the file path and the field, never silently dropped.
 */
import { readFileSync, existsSync } from 'node:fs'
import { writeFileDurably } from './durable-file'
import { join } from 'node:path'
import { z } from 'zod'
import { DEFAULT_RELAY_LIMITS, RELAY_LIMIT_BOUNDS } from '../stoq'

const Port = z.number().int().min(0).max(65535)
const relayLimit = (key: keyof typeof RELAY_LIMIT_BOUNDS) =>
  z
    .number()
    .int()
    .min(RELAY_LIMIT_BOUNDS[key][0])
    .max(RELAY_LIMIT_BOUNDS[key][1])
    .default(DEFAULT_RELAY_LIMITS[key])

/** Connections a node holds at most unless configured; its heap cap follows (./heap-cap.ts). */
export const DEFAULT_MAX_CONNECTIONS = 300

export const NodeConfig = z
  .object({
    /** Name of the devnet this node creates at first start (default: "<host> devnet <peer id tail>"). */
    devnetName: z.string().min(1).max(64).optional(),
    listen: z
      .object({
        /** Listen on IPv4 (0.0.0.0) and IPv6 (::) — or only loopback, for tests. */
        loopbackOnly: z.boolean().default(false),
        ipv6: z.boolean().default(true),
        /** 0 = any free port; after the first start the chosen ports are remembered. */
        tcpPort: Port.default(0),
        wsPort: Port.default(0),
        /** UDP, for STOQ over QUIC. */
        quicPort: Port.default(0),
        /** UDP, for STOQ over WebRTC Direct: how browsers reach this node. */
        webrtcPort: Port.default(0),
      })
      .strict()
      .default({ loopbackOnly: false, ipv6: true, tcpPort: 0, wsPort: 0, quicPort: 0, webrtcPort: 0 }),
    api: z
      .object({
        /** The local API binds to loopback unless you change this. */
        host: z.string().default('127.0.0.1'),
        /** Tried first; if it is taken another free port is used and printed. */
        port: Port.default(4747),
      })
      .strict()
      .default({ host: '127.0.0.1', port: 4747 }),
    discovery: z
      .object({ mdns: z.boolean().default(true) })
      .strict()
      .default({ mdns: true }),
    connections: z
      .object({
        /** Open connections in total. */
        maxConnections: z.number().int().min(1).max(100_000).default(DEFAULT_MAX_CONNECTIONS),
        /** Inbound connections in the handshake at once, from all hosts together. */
        maxIncomingPendingConnections: z.number().int().min(1).max(10_000).default(256),
        /** …and from one host: a half-open flood from one host cannot take every slot. */
        maxPendingPerHost: z.number().int().min(1).max(1_000).default(8),
        /** …and from one network (IPv4 /24, IPv6 /64), which one holder can fill with many hosts. */
        maxPendingPerNetwork: z.number().int().min(1).max(10_000).default(32),
        /** New inbound connections one host may open per second. */
        inboundConnectionsPerHostPerSecond: z.number().int().min(1).max(10_000).default(10),
        /** …and one network (IPv4 /24, IPv6 /64). */
        inboundConnectionsPerNetworkPerSecond: z.number().int().min(1).max(10_000).default(20),
        /** New inbound handshakes per second from all hosts together: what strangers can make us compute. */
        inboundHandshakesPerSecond: z.number().int().min(1).max(100_000).default(100),
        /** Open connections one peer may have with us. */
        maxConnectionsPerPeer: z.number().int().min(1).max(64).default(4),
        /** An inbound connection must finish its handshake within this (ms). */
        inboundUpgradeTimeoutMs: z.number().int().min(500).max(120_000).default(5_000),
        /** Streams one connection may open to us at once. */
        maxInboundStreamsPerConnection: z.number().int().min(8).max(10_000).default(256),
        maxPeerAddrsToDial: z.number().int().min(1).max(100).default(25),
      })
      .strict()
      .default({
        maxConnections: DEFAULT_MAX_CONNECTIONS,
        maxIncomingPendingConnections: 256,
        maxPendingPerHost: 8,
        maxPendingPerNetwork: 32,
        inboundConnectionsPerHostPerSecond: 10,
        inboundConnectionsPerNetworkPerSecond: 20,
        inboundHandshakesPerSecond: 100,
        maxConnectionsPerPeer: 4,
        inboundUpgradeTimeoutMs: 5_000,
        maxInboundStreamsPerConnection: 256,
        maxPeerAddrsToDial: 25,
      }),
    nat: z
      .object({
        /** Serve as a circuit relay v2 for peers behind NATs. Off: a relay spends its own bandwidth. */
        relayServer: z.boolean().default(false),
        relayLimits: z
          .object({
            maxReservations: relayLimit('maxReservations'),
            dataLimitBytes: relayLimit('dataLimitBytes'),
            durationLimitMs: relayLimit('durationLimitMs'),
            reservationTtlMs: relayLimit('reservationTtlMs'),
          })
          .strict()
          .default({ ...DEFAULT_RELAY_LIMITS }),
        /** Hold a reservation on this many relays (0: none). */
        relayReservations: z.number().int().min(0).max(16).default(1),
        /** Ask the router to forward our port (UPnP). Always off with listen.loopbackOnly. */
        upnp: z.boolean().default(true),
        autoNAT: z.boolean().default(true),
        dcutr: z.boolean().default(true),
      })
      .strict()
      .default({
        relayServer: false,
        relayLimits: { ...DEFAULT_RELAY_LIMITS },
        relayReservations: 1,
        upnp: true,
        autoNAT: true,
        dcutr: true,
      }),
    transport: z
      .object({
        /**
         * Also speak classical Noise (X25519 only), for networks whose genesis allows classical peers.
         * Off by default: every connection is STOQ (post-quantum) or none.
         */
        offerClassicalNoise: z.boolean().default(false),
        /** Also listen and dial over QUIC (UDP), with STOQ on top (app/stoq/quic.ts). */
        quic: z.boolean().default(true),
        /** Also listen for browser peers over WebRTC Direct, with STOQ on top (app/stoq/webrtc-direct.ts). */
        webrtcDirect: z.boolean().default(true),
      })
      .strict()
      .default({ offerClassicalNoise: false, quic: true, webrtcDirect: true }),
    /** GPU jobs (docs/jobs.md, "GPU jobs"). */
    gpu: z
      .object({
        /**
         * Offer GPU jobs on a software WebGPU adapter (SwiftShader, llvmpipe) where there is no other: it
         * runs on the CPU, outside the leased-work limits. Off unless the owner turns it on.
         */
        softwareAdapters: z.boolean().default(false),
        /** Look for a GPU in the daemon itself through Dawn (the optional `webgpu` package). */
        dawn: z.boolean().default(true),
      })
      .strict()
      .default({ softwareAdapters: false, dawn: true }),
    /** How often to ping connected peers for the latency column (ms). */
    pingIntervalMs: z.number().int().min(1_000).max(600_000).default(10_000),
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info'),
  })
  .strict()
export type NodeConfig = z.infer<typeof NodeConfig>

export interface NodeConfigOverrides {
  devnetName?: string
  listen?: Partial<NodeConfig['listen']>
  api?: Partial<NodeConfig['api']>
  discovery?: Partial<NodeConfig['discovery']>
  connections?: Partial<NodeConfig['connections']>
  transport?: Partial<NodeConfig['transport']>
  nat?: Partial<NodeConfig['nat']>
  gpu?: Partial<NodeConfig['gpu']>
  pingIntervalMs?: number
  logLevel?: NodeConfig['logLevel']
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ConfigError'
  }
}

export const configPath = (dataDir: string): string => join(dataDir, 'config.json')

/** Reads config.json (or defaults when absent), applies overrides, validates the result. */
export function loadConfig(dataDir: string, overrides: NodeConfigOverrides = {}): NodeConfig {
  const path = configPath(dataDir)
  const stored = readStoredConfig(path)
  const merged = mergeDeep(stored, overrides as Record<string, unknown>)
  const parsed = NodeConfig.safeParse(merged)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const where = issue?.path.join('.') ?? ''
    throw new ConfigError(`invalid setting ${where === '' ? '' : `"${where}" `}in ${path}: ${issue?.message}`)
  }
  return parsed.data
}

/** The raw object in config.json ({} when absent); anything else is a ConfigError naming the file. */
function readStoredConfig(path: string): Record<string, unknown> {
  if (!existsSync(path)) return {}
  let stored: unknown
  try {
    stored = JSON.parse(readFileSync(path, 'utf8'))
  } catch (err) {
    throw new ConfigError(`${path} is not valid JSON (${(err as Error).message}); fix or delete it`)
  }
  if (!isPlainObject(stored)) throw new ConfigError(`${path} must hold a JSON object`)
  return stored
}

/** Writes the settings that should persist (durably: the old file or the new one, whole, after a crash). */
export function saveConfig(dataDir: string, config: NodeConfig): void {
  writeFileDurably(configPath(dataDir), JSON.stringify(config, null, 2) + '\n')
}

function mergeDeep(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base }
  for (const [key, value] of Object.entries(over)) {
    if (value === undefined) continue
    const current = out[key]
    out[key] = isPlainObject(value) && isPlainObject(current) ? mergeDeep(current, value) : value
  }
  return out
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

/** Remembers the ports this node listened on, so a restart uses the same ones (only these keys change). */
export function rememberListenPorts(
  dataDir: string,
  ports: { tcpPort: number; wsPort: number; quicPort?: number; webrtcPort?: number },
): void {
  const path = configPath(dataDir)
  const stored = readStoredConfig(path)
  const listen = isPlainObject(stored.listen) ? stored.listen : {}
  const next = { ...stored, listen: { ...listen, ...ports } }
  writeFileDurably(path, JSON.stringify(next, null, 2) + '\n')
}

/**
 * The child process of the NAT traversal test, run inside a namespace of test/support/nat-topology.ts as
 * `ip netns exec NS node --import register.mjs nat-peer.mjs '<json config>'`: the test bundles it with
 * esbuild, and register.mjs makes libp2p count the test WAN as public (see test/nat-traversal.test.ts).
 *
 * - role "peer": a STOQ libp2p node with app/stoq/nat.ts's parts, identify and ping, driven by JSON lines:
 *   `{ id, cmd, args }` on stdin, `{ id, ok, result | error }` on stdout.
 * - role "igd": a minimal UPnP Internet Gateway Device (IGD:2, WANIPConnection:2) for a router namespace.
 *   AddAnyPortMapping adds the DNAT rule a real router would add, so a mapped port really is reachable.
 */
import { createHash, randomBytes } from 'node:crypto'
import { execFileSync } from 'node:child_process'
import { createServer } from 'node:http'
import { connect } from 'node:net'
import { createLibp2p } from 'libp2p'
import { identify } from '@libp2p/identify'
import { ping } from '@libp2p/ping'
import { multiaddr } from '@multiformats/multiaddr'
import { isPrivateIp } from '@libp2p/utils'
import type { Connection, Stream } from '@libp2p/interface'
import { falcon1024 } from '@noble/post-quantum/falcon.js'
import { PING_STREAM_LIMITS, stoqTransportProfile } from '../../app/stoq'
import { natTraversal, type RelayServerLimits } from '../../app/stoq/nat'
import { sendAll } from '../../app/stoq/backpressure'
import { emit, serveCommands } from './serve-commands'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Libp2p } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import pino from 'pino'
import type { SignedLease } from '../../app/consensus'
import { LeaseBook } from '../../app/assets/leases/lease-book'
import { RemoteMemory } from '../../app/assets/proxy/memory-client'
import { MemoryProxyServer } from '../../app/assets/proxy/memory-proxy'
import { reachPeer } from '../../app/assets/proxy/relay-choice'
import { databasePath, openDatabase } from '../../app/node/storage/database'

export interface PeerConfig {
  role: 'peer'
  /** 0 (the default) for any free port. */
  tcpPort?: number
  relayServer?: Partial<RelayServerLimits>
  relayReservations: number
  upnpGateway?: string
}
export interface IgdConfig {
  role: 'igd'
  lanAddress: string
  wanAddress: string
  wanInterface: string
}

export const SHA256_PROTOCOL = '/hm-test/sha256/1.0.0'
const config = JSON.parse(process.argv[2] ?? '{}') as PeerConfig | IgdConfig

const describe = (c: Connection) => ({
  id: c.id,
  remotePeer: c.remotePeer.toString(),
  remoteAddr: c.remoteAddr.toString(),
  direction: c.direction,
  limited: c.limits != null,
  encryption: c.encryption,
  status: c.status,
})
export type ConnectionInfo = ReturnType<typeof describe>

async function readAll(stream: Stream): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of stream) chunks.push(Buffer.from(chunk.subarray()))
  return Buffer.concat(chunks)
}

async function runPeer(init: PeerConfig): Promise<void> {
  const falcon = falcon1024.keygen()
  const profile = stoqTransportProfile({ falcon })
  const base = profile.libp2pOptions()
  const nat = natTraversal({
    loopbackOnly: false,
    relayServer: init.relayServer ?? false,
    relayReservations: init.relayReservations,
    upnp: init.upnpGateway == null ? false : { gateways: [init.upnpGateway] },
  })
  const node = await createLibp2p({
    ...base,
    transports: [...(base.transports ?? []), ...nat.transports],
    addresses: { listen: [`/ip4/0.0.0.0/tcp/${init.tcpPort ?? 0}`, ...nat.listenAddresses] },
    services: { identify: identify(), ping: ping(PING_STREAM_LIMITS), ...nat.services },
  })
  // Replies with the SHA-256 of everything it received, so the sender knows every byte arrived intact.
  await node.handle(
    SHA256_PROTOCOL,
    async (stream) => {
      const data = await readAll(stream)
      stream.send(Buffer.from(createHash('sha256').update(data).digest('hex')))
      await stream.close()
    },
    { runOnLimitedConnection: true },
  )
  const connectionById = (id: string): Connection => {
    const found = node.getConnections().find((c) => c.id === id)
    if (found == null) throw new Error(`no open connection ${id}`)
    return found
  }
  const commands: Record<string, (args: Record<string, unknown>) => Promise<unknown> | unknown> = {
    info: () => ({ peerId: node.peerId.toString(), addresses: node.getMultiaddrs().map(String) }),
    connections: () => node.getConnections().map(describe),
    dial: async ({ address }) =>
      describe(await node.dial(multiaddr(String(address)), { signal: AbortSignal.timeout(15_000) })),
    /** Sends `bytes` random bytes on a new stream of connection `connection`; checks the echoed digest. */
    send: async ({ connection, bytes }) => {
      const c = connectionById(String(connection))
      const data = randomBytes(Number(bytes))
      const stream = await c.newStream(SHA256_PROTOCOL, {
        runOnLimitedConnection: true,
        signal: AbortSignal.timeout(15_000),
      })
      const chunks = function* () {
        for (let at = 0; at < data.length; at += 64 * 1024) yield data.subarray(at, at + 64 * 1024)
      }
      await sendAll(stream, chunks())
      await stream.close()
      const reply = (await readAll(stream)).toString()
      return {
        intact: reply === createHash('sha256').update(data).digest('hex'),
        connection: describe(c),
      }
    },
    /** A plain TCP connect (no libp2p): 'connected' or the error code. */
    tcpConnect: ({ host, port }) =>
      new Promise((resolve) => {
        const socket = connect({ host: String(host), port: Number(port), timeout: 3_000 })
        socket.once('connect', () => (socket.destroy(), resolve('connected')))
        socket.once('timeout', () => (socket.destroy(), resolve('ETIMEDOUT')))
        socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message))
      }),
    /** Shares 4 MiB of leased memory (FullPublic) and signs a lease on it for `holder`. */
    serveMemory: async ({ holder }) => {
      memoryServer ??= await startMemoryServer(node, falcon)
      return memoryServer.book.issue({
        assetId: LEASED_ASSET,
        holder: String(holder),
        amount: 4n * 1024n * 1024n,
        durationMs: 600_000,
      })
    },
    /**
     * Uses a memory lease on `owner` as the node does (app/assets/proxy/relay-choice.ts reaches it, through
     * a relay when there is no direct path): writes `bytes` random bytes and reads them back.
     */
    useMemory: async ({ owner, addresses, lease, bytes }) => {
      const connection = await reachPeer(node, peerIdFromString(String(owner)), {
        addresses: (addresses as string[]).map((a) => multiaddr(a)),
        stakeOf: () => 0n,
        directTimeoutMs: 3_000,
      })
      const memory = await RemoteMemory.open(connection, lease as SignedLease)
      const data = new Uint8Array(randomBytes(Number(bytes)))
      await memory.write(0, data)
      const back = await memory.read(0, data.length)
      await memory.close()
      return { intact: Buffer.from(back).equals(data), connection: describe(connection) }
    },
    relayReservations: () =>
      [...(node.services.relay?.reservations.keys() ?? [])].map((peer) => peer.toString()),
    stop: async () => {
      await node.stop()
      setImmediate(() => process.exit(0))
      return 'stopped'
    },
  }
  serveCommands(commands)
  emit({
    event: 'ready',
    peerId: node.peerId.toString(),
    addresses: node.getMultiaddrs().map(String),
    // The test's WAN must count as public for libp2p (see test/nat-traversal.test.ts).
    wanIsPublic: isPrivateIp('10.231.100.10') === false,
  })
}

const LEASED_ASSET = 'a'.repeat(64)
let memoryServer: { book: LeaseBook } | null = null

/** The memory proxy of app/assets, with a lease book in a fresh database, open to any peer with a lease. */
async function startMemoryServer(
  node: Libp2p,
  falcon: { publicKey: Uint8Array; secretKey: Uint8Array },
): Promise<{ book: LeaseBook }> {
  const db = openDatabase(databasePath(mkdtempSync(join(tmpdir(), 'hm-nat-memory-'))))
  const book = new LeaseBook(db, { peerId: node.peerId.toString(), falcon, networkId: 'c'.repeat(64) })
  const server = new MemoryProxyServer({
    libp2p: node,
    book,
    asset: () => ({ assetId: LEASED_ASSET, capacity: 64n * 1024n * 1024n }),
    refusalFor: () => null,
    log: pino({ level: 'silent' }),
  })
  await server.start()
  return { book }
}

const WAN_IP_CONNECTION = 'urn:schemas-upnp-org:service:WANIPConnection:2'

/** The device description: an IGD:2 whose one service is WANIPConnection:2, controlled at /ctl. */
const describeDevice = (udn: string): string =>
  [
    '<?xml version="1.0"?>',
    '<root xmlns="urn:schemas-upnp-org:device-1-0">',
    '<specVersion><major>1</major><minor>0</minor></specVersion>',
    '<device>',
    '<deviceType>urn:schemas-upnp-org:device:InternetGatewayDevice:2</deviceType>',
    `<friendlyName>HyperMesh test router</friendlyName><UDN>${udn}</UDN>`,
    '<serviceList><service>',
    `<serviceType>${WAN_IP_CONNECTION}</serviceType><serviceId>urn:upnp-org:serviceId:WANIPConn1</serviceId>`,
    '<controlURL>/ctl</controlURL><eventSubURL>/evt</eventSubURL><SCPDURL>/scpd.xml</SCPDURL>',
    '</service></serviceList>',
    '</device>',
    '</root>',
  ].join('')

/** A SOAP response to `action` with `body` (the output arguments). */
const soapResponse = (action: string, body: string): string =>
  [
    '<?xml version="1.0"?>',
    '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"',
    ' s:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/"><s:Body>',
    `<u:${action}Response xmlns:u="${WAN_IP_CONNECTION}">${body}</u:${action}Response>`,
    '</s:Body></s:Envelope>',
  ].join('')

function runIgd(init: IgdConfig): void {
  /** "tcp/PORT" → the DNAT rule's arguments, to delete it again. */
  const mappings = new Map<string, string[]>()
  const server = createServer((req, res) => {
    let body = ''
    req.on('data', (d: Buffer) => (body += d.toString()))
    req.on('end', () => {
      const field = (name: string): string => new RegExp(`<${name}>([^<]*)</${name}>`).exec(body)?.[1] ?? ''
      const reply = (xml: string): void => {
        res.writeHead(200, { 'content-type': 'text/xml; charset="utf-8"' })
        res.end(xml)
      }
      if (req.method === 'GET') return reply(describeDevice(`uuid:hypermesh-test-igd-${init.wanAddress}`))
      const action = /#(\w+)"?$/.exec(String(req.headers.soapaction ?? ''))?.[1] ?? ''
      if (action === 'GetExternalIPAddress')
        return reply(soapResponse(action, `<NewExternalIPAddress>${init.wanAddress}</NewExternalIPAddress>`))
      const protocol = field('NewProtocol').toLowerCase() || 'tcp'
      const external = field('NewExternalPort')
      if (action === 'AddAnyPortMapping') {
        // Grants the port asked for, with the DNAT rule a home router adds for it.
        const key = `${protocol}/${external}`
        const rule = ['-i', init.wanInterface, '-p', protocol, '--dport', external, '-j', 'DNAT']
        rule.push('--to-destination', `${field('NewInternalClient')}:${field('NewInternalPort')}`)
        if (!mappings.has(key)) execFileSync('iptables', ['-w', '-t', 'nat', '-A', 'PREROUTING', ...rule])
        mappings.set(key, rule)
        emit({ event: 'mapped', external: Number(external), internal: rule.at(-1) })
        return reply(soapResponse(action, `<NewReservedPort>${external}</NewReservedPort>`))
      }
      if (action === 'DeletePortMapping') {
        for (const [key, rule] of mappings) {
          if (!key.endsWith(`/${external}`)) continue
          execFileSync('iptables', ['-w', '-t', 'nat', '-D', 'PREROUTING', ...rule])
          mappings.delete(key)
        }
        return reply(soapResponse(action, ''))
      }
      res.writeHead(500, { 'content-type': 'text/xml' })
      res.end()
    })
  })
  server.listen(0, init.lanAddress, () => {
    const address = server.address()
    const port = typeof address === 'object' && address != null ? address.port : 0
    emit({ event: 'ready', gateway: `http://${init.lanAddress}:${port}/rootDesc.xml` })
  })
}

if (config.role === 'igd') runIgd(config)
else
  await runPeer(config).catch((err: Error) => {
    process.stderr.write(`${err.stack ?? err.message}\n`)
    process.exit(1)
  })

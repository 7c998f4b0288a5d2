/**
 * The headless daemon: runs a node and serves the dashboard UI and the API on loopback, from command-line
 * arguments (./cli.ts is the program; a host that composes the node its own way passes `extra`).
 */
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { multiaddr } from '@multiformats/multiaddr'
import {
  createHyperMeshNode,
  startLocalApiServer,
  type HyperMeshNode,
  type HyperMeshNodeInit,
  type LocalApiServer,
} from './index'
import { parseDaemonArgs, USAGE } from './cli-args'
import { GenesisDocument } from '../consensus'
import { loadConfig } from './config'
import { heapCapFlag, heapIsCapped, heapLimitMiB } from './heap-cap'
import { operatorAddresses } from './network/addresses'
import type { NodeStatus } from '../../shared/schemas'

const here = dirname(fileURLToPath(import.meta.url))

function readGenesisFile(path: string): GenesisDocument {
  let json: unknown
  try {
    json = JSON.parse(readFileSync(path, 'utf8'))
  } catch (err) {
    throw new Error(`cannot read the genesis file ${path}: ${(err as Error).message}`, { cause: err })
  }
  const parsed = GenesisDocument.safeParse(json)
  if (!parsed.success)
    throw new Error(`${path} is not a genesis document: ${parsed.error.issues[0]?.message ?? 'malformed'}`)
  return parsed.data
}

/** Started without npm start's heap cap: say how to hold memory down at the connection limit. */
function warnIfHeapUncapped(node: HyperMeshNode): void {
  const { maxConnections } = node.config.connections
  if (heapIsCapped(maxConnections)) return
  console.warn(
    `hypermesh: this process may grow its heap to ${heapLimitMiB()} MiB. Start it with npm start or npm run ` +
      `daemon, or pass ${heapCapFlag(maxConnections)} to node, to keep it in proportion to ` +
      `${maxConnections} connections.`,
  )
}

export async function runDaemon(
  argv: string[],
  extra: Pick<HyperMeshNodeInit, 'jobEngine'> = {},
): Promise<void> {
  let options
  try {
    options = parseDaemonArgs(argv)
  } catch (err) {
    console.error(`hypermesh: ${(err as Error).message}\n\n${USAGE}`)
    process.exit(2)
  }
  if (options.help) {
    console.log(USAGE)
    return
  }
  if (options.printHeapFlags) {
    try {
      console.log(heapCapFlag(loadConfig(options.dataDir, options.config).connections.maxConnections))
    } catch (err) {
      console.error(`hypermesh: ${(err as Error).message}`)
      process.exit(2)
    }
    return
  }

  let node: HyperMeshNode
  try {
    node = await createHyperMeshNode({
      dataDir: options.dataDir,
      mode: 'headless',
      config: options.config,
      genesis: options.genesisFile == null ? undefined : readGenesisFile(options.genesisFile),
      ...extra,
    })
    if (options.validatorCandidate) {
      const { peerId, falconPublicKey, space } = node.validatorCandidate
      console.log(
        JSON.stringify({ peerId, falconPublicKey: Buffer.from(falconPublicKey).toString('base64'), space }),
      )
      await node.stop()
      return
    }
    await node.start()
    warnIfHeapUncapped(node)
  } catch (err) {
    console.error(`hypermesh: could not start the node: ${(err as Error).message}`)
    process.exit(1)
  }

  const uiDir = options.uiDir ?? join(here, '..', 'renderer')
  let server: LocalApiServer
  try {
    server = await startLocalApiServer({
      dispatcher: node.api,
      host: node.config.api.host,
      port: node.config.api.port,
      staticDir: existsSync(join(uiDir, 'index.html')) ? uiDir : undefined,
    })
  } catch (err) {
    console.error(`hypermesh: could not serve the local API: ${(err as Error).message}`)
    await node.stop()
    process.exit(1)
  }
  // For local tools: where the API is and its token, readable by this user only; removed at stop.
  const apiFile = join(node.dataDir, 'api.json')
  writeFileSync(apiFile, JSON.stringify({ url: server.url, token: server.token, pid: process.pid }), {
    mode: 0o600,
  })

  const status = await node.api.dispatch({ id: 0, method: 'node.status', params: {} })
  const running = status.ok ? (status.result as NodeStatus) : null
  // How peers reach this node: what an invite carries, and what an operator dials or opens in a firewall.
  const addresses = operatorAddresses((running?.listenAddresses ?? []).map((a) => multiaddr(a)))
  if (options.readyJson) {
    console.log(
      JSON.stringify({
        event: 'ready',
        peerId: node.peerId,
        apiUrl: server.url,
        uiUrl: server.uiUrl,
        token: server.token,
        dataDir: node.dataDir,
        heapLimitMiB: heapLimitMiB(),
        listenAddresses: addresses,
      }),
    )
  } else {
    const network = running?.network ?? null
    console.log(
      [
        'HyperMesh node is running (headless).',
        `  peer id   ${node.peerId}`,
        network == null ? '' : `  network   ${network.name} (${network.networkId.slice(0, 12)}…)`,
        ...addresses.map((a, i) => `  ${i === 0 ? 'listening' : '         '} ${a}`),
        addresses.length === 0 ? '  listening nowhere yet (no usable address)' : '',
        `  data dir  ${node.dataDir}`,
        `  logs      ${node.logFile}`,
        '',
        `Open the dashboard: ${server.uiUrl}`,
        '(the link carries a one-time access token for this run; keep it private)',
        'Press Ctrl+C to stop.',
      ]
        .filter((l) => l !== '')
        .join('\n'),
    )
  }

  let stopping = false
  const shutdown = async (signal: string): Promise<void> => {
    if (stopping) {
      console.error('hypermesh: forced exit')
      process.exit(1)
    }
    stopping = true
    console.log(`hypermesh: ${signal} received, stopping…`)
    const deadline = setTimeout(() => {
      console.error('hypermesh: the node did not stop within 10 s; exiting anyway')
      process.exit(1)
    }, 10_000)
    await server.close().catch(() => {})
    await node.stop().catch((err: Error) => console.error(`hypermesh: error while stopping: ${err.message}`))
    rmSync(apiFile, { force: true })
    clearTimeout(deadline)
    process.exit(0)
  }
  process.on('SIGINT', () => void shutdown('SIGINT'))
  process.on('SIGTERM', () => void shutdown('SIGTERM'))
}

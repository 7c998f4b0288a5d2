/** Command-line flags of the headless daemon, parsed and checked (a bad flag says what is wrong). */
import { parseArgs } from 'node:util'
import type { NodeConfigOverrides } from './config'
import { defaultDataDir } from './default-data-dir'

export interface DaemonOptions {
  dataDir: string
  config: NodeConfigOverrides
  uiDir: string | undefined
  /** Print one JSON line when ready (for scripts and tests). */
  readyJson: boolean
  /** A genesis document (JSON file) whose network this node joins at start. */
  genesisFile: string | undefined
  /** Print what a genesis needs to make this node a validator, then exit. */
  validatorCandidate: boolean
  /** Print the node flags this node should start with (its heap cap), then exit: for launchers. */
  printHeapFlags: boolean
  help: boolean
}

export const USAGE = `Usage: hypermesh [options]

  --data-dir <dir>      where this node keeps its keys, database and logs (default: ${defaultDataDir()})
  --api-host <host>     local API and UI address (default 127.0.0.1)
  --api-port <port>     local API and UI port; if taken, a free one is used (default 4747)
  --port <port>         libp2p TCP port (default: remembered from the last run, else any free port)
  --ws-port <port>      libp2p WebSocket port (same rule)
  --max-connections <n> connections this node holds at most (default 300); its heap cap follows
  --loopback-only       listen on 127.0.0.1 and ::1 only
  --no-ipv6             do not listen on IPv6
  --no-mdns             do not look for peers on the LAN
  --devnet-name <name>  name of the devnet created at first start
  --genesis <file>      join the network this genesis document describes (from npm run testnet)
  --validator-candidate print this node's peer id, FALCON key and plot commitment as JSON (what a
                        network's founder puts in its genesis to make this node a validator), then exit
  --log-level <level>   fatal, error, warn, info, debug or trace
  --ready-json          print one JSON line with the UI URL and token when ready
  --print-heap-flags    print the node flags to start this node with (its heap cap), then exit
  --headless            accepted for symmetry with npm start; the daemon is always headless
  -h, --help            show this help

Environment: HYPERMESH_PASSPHRASE seals the node keys with a passphrase (otherwise a per-user machine key);
HYPERMESH_DATA_DIR sets the default data dir.`

const portOf = (name: string, value: string | undefined): number | undefined => {
  if (value == null) return undefined
  const port = Number(value)
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`--${name} must be a port number (0–65535), got "${value}"`)
  return port
}

const countOf = (name: string, value: string | undefined): number | undefined => {
  if (value == null) return undefined
  const count = Number(value)
  if (!Number.isInteger(count) || count < 1)
    throw new Error(`--${name} must be a whole number above 0, got "${value}"`)
  return count
}

export function parseDaemonArgs(argv: string[]): DaemonOptions {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowNegative: true,
    options: {
      'data-dir': { type: 'string' },
      'api-host': { type: 'string' },
      'api-port': { type: 'string' },
      port: { type: 'string' },
      'ws-port': { type: 'string' },
      'max-connections': { type: 'string' },
      'loopback-only': { type: 'boolean' },
      ipv6: { type: 'boolean' },
      mdns: { type: 'boolean' },
      'devnet-name': { type: 'string' },
      genesis: { type: 'string' },
      'validator-candidate': { type: 'boolean' },
      'log-level': { type: 'string' },
      'ui-dir': { type: 'string' },
      'ready-json': { type: 'boolean' },
      'print-heap-flags': { type: 'boolean' },
      headless: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  })
  const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const
  const logLevel = values['log-level']
  if (logLevel != null && !(logLevels as readonly string[]).includes(logLevel)) {
    throw new Error(`--log-level must be one of ${logLevels.join(', ')}`)
  }
  return {
    dataDir: values['data-dir'] ?? defaultDataDir(),
    uiDir: values['ui-dir'],
    readyJson: values['ready-json'] === true,
    genesisFile: values.genesis,
    validatorCandidate: values['validator-candidate'] === true,
    printHeapFlags: values['print-heap-flags'] === true,
    help: values.help === true,
    config: {
      devnetName: values['devnet-name'],
      logLevel: logLevel as NodeConfigOverrides['logLevel'],
      api: { host: values['api-host'], port: portOf('api-port', values['api-port']) },
      listen: {
        tcpPort: portOf('port', values.port),
        wsPort: portOf('ws-port', values['ws-port']),
        loopbackOnly: values['loopback-only'],
        ipv6: values.ipv6,
      },
      discovery: { mdns: values.mdns },
      connections: { maxConnections: countOf('max-connections', values['max-connections']) },
    },
  }
}

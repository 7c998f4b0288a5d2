/**
 * The network a chaos run works on: N daemons, each a validator of one new network (so that faults hit
 * consensus, not only followers), on loopback and TCP only, with fast proofs and timeouts so that a short
 * run commits many blocks.
 */
import { execFile } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { createNetworkGenesis, type ChainParams, type ValidatorCandidate } from '../../consensus'
import { NodeProcess } from './node-process'

/** Fast enough for a short run on two cores, every proof still made and checked. */
export const CHAOS_PARAMS: Partial<ChainParams> = {
  timeoutProposeMs: 2_000,
  timeoutPrevoteMs: 700,
  timeoutPrecommitMs: 700,
  timeoutDeltaMs: 300,
  blockIntervalMs: 300,
  // Idle, the chain still makes a block every 3 s: a node that came back has something to catch up with.
  emptyBlocksEveryMs: 3_000,
  proofs: {
    workDifficultyBits: 8,
    vdfSquarings: 2_000,
    spaceLeavesLog2: 16,
    spaceLabelIterations: 32,
    spaceChallenges: 8,
  },
}

/** TCP only (the partition preload cuts TCP), loopback, no NAT machinery. */
const NODE_CONFIG = {
  transport: { quic: false, webrtcDirect: false },
  nat: { relayReservations: 0, upnp: false, autoNAT: false, dcutr: false },
  logLevel: 'info',
}

export interface ChaosNetworkInit {
  baseDir: string
  nodes: number
  cli: string
  preload: string
  log(line: string): void
}

/** Makes the validators and their genesis, starts every node and joins them to the first. */
export async function startChaosNetwork(init: ChaosNetworkInit): Promise<NodeProcess[]> {
  const dataDirs = Array.from({ length: init.nodes }, (_, i) => join(init.baseDir, `node-${i + 1}`))
  const env = (dataDir: string): NodeJS.ProcessEnv => ({
    ...process.env,
    // Each node seals its keys with its own machine key, kept beside its data dir.
    HYPERMESH_MACHINE_KEY_FILE: `${dataDir}.machine.key`,
  })
  const candidates: ValidatorCandidate[] = []
  for (const dataDir of dataDirs) {
    mkdirSync(dataDir, { recursive: true })
    writeFileSync(join(dataDir, 'config.json'), JSON.stringify(NODE_CONFIG))
    candidates.push(await candidateOf(init.cli, dataDir, env(dataDir)))
  }
  const genesis = createNetworkGenesis({
    name: `chaos testnet (${init.nodes} validators)`,
    validators: candidates,
    params: CHAOS_PARAMS,
  })
  const genesisFile = join(init.baseDir, 'genesis.json')
  writeFileSync(genesisFile, JSON.stringify(genesis))
  init.log(`genesis of ${init.nodes} validators written to ${genesisFile}`)
  const nodes = dataDirs.map(
    (dataDir) =>
      new NodeProcess({
        cli: init.cli,
        preload: init.preload,
        dataDir,
        args: ['--genesis', genesisFile],
        env: env(dataDir),
      }),
  )
  try {
    for (const [i, node] of nodes.entries()) {
      await node.start()
      init.log(`node ${i + 1} started: ${node.peerId}`)
    }
    const [first, ...others] = nodes as [NodeProcess, ...NodeProcess[]]
    const { invite } = await first.call<{ invite: string }>('network.invite', {})
    // A join reaches the network and syncs its chain: more than an ordinary call's few seconds.
    for (const node of others) await node.call('network.join', { invite }, JOIN_TIMEOUT_MS)
    await untilCommitting(nodes, init.log)
    return nodes
  } catch (err) {
    // Nothing is left running behind a network that did not come up.
    await Promise.all(nodes.map((n) => n.stop().catch(() => {})))
    throw err
  }
}

const JOIN_TIMEOUT_MS = 60_000
const START_TIMEOUT_MS = 120_000

/** Waits until every node answers with a height above 1: they are connected and the chain moves. */
async function untilCommitting(nodes: NodeProcess[], log: (line: string) => void): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS
  for (;;) {
    const heights = await Promise.all(
      nodes.map((n) =>
        n.call<{ height: number }>('chain.status', {}).then(
          (s) => s.height,
          () => 0,
        ),
      ),
    )
    if (heights.every((h) => h > 1))
      return log(`all ${nodes.length} nodes commit blocks: heights ${heights.join(' ')}`)
    if (Date.now() > deadline)
      throw new Error(`the network did not start committing: heights ${heights.join(' ')}`)
    await new Promise((resolve) => setTimeout(resolve, 500))
  }
}

async function candidateOf(
  cli: string,
  dataDir: string,
  env: NodeJS.ProcessEnv,
): Promise<ValidatorCandidate> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--disable-warning=ExperimentalWarning', cli, '--data-dir', dataDir, '--validator-candidate'],
    { env },
  )
  const json = JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as {
    peerId: string
    falconPublicKey: string
    space: ValidatorCandidate['space']
  }
  return { ...json, falconPublicKey: new Uint8Array(Buffer.from(json.falconPublicKey, 'base64')) }
}

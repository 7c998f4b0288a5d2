/**
 * Several daemons made validators of one new network: each data dir is created and asked for its
 * validator candidate (`--validator-candidate`), a genesis naming them all is written to a file, and each
 * daemon is started with `--genesis` and joined to the first by invite.
 */
import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import type { ChainStatus } from '../../shared/api'
import { addressOf, createNetworkGenesis, falcon1024Scheme, type GenesisDocument } from '../../app/consensus'
import type { ChainParams } from '../../app/consensus/params'
import { CHAOS_PARAMS } from '../../app/node/chaos/chaos-network'
import { root, startDaemon, waitFor, type Daemon } from './daemon'

const cli = join(root, 'dist', 'daemon', 'cli.js')

/** Fast enough for tests on two cores, with every proof still checked: the chaos testnet's, blocks back to back. */
export const TEST_NET_PARAMS: Partial<ChainParams> = { ...CHAOS_PARAMS, emptyBlocksEveryMs: undefined }

const env = (dataDir: string): NodeJS.ProcessEnv => ({
  ...process.env,
  HYPERMESH_MACHINE_KEY_FILE: join(dataDir, '..', `${dataDir.split('/').at(-1)}.machine.key`),
})

export async function candidateOf(dataDir: string) {
  mkdirSync(dataDir, { recursive: true })
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--disable-warning=ExperimentalWarning', cli, '--data-dir', dataDir, '--validator-candidate'],
    { env: env(dataDir) },
  )
  const json = JSON.parse(stdout.trim().split('\n').at(-1) as string) as {
    peerId: string
    falconPublicKey: string
    space: { root: string; leavesLog2: number }
  }
  return { ...json, falconPublicKey: new Uint8Array(Buffer.from(json.falconPublicKey, 'base64')) }
}

export interface ValidatorNet {
  genesisFile: string
  genesis: GenesisDocument
  dataDirs: string[]
  daemons: (Daemon | null)[]
  start(i: number): Promise<Daemon>
}

/**
 * `wrongPlot` lists validators whose genesis entry commits to a plot they do not hold: their blocks carry a
 * PoSpace proof that cannot verify, as a validator cheating on storage would.
 */
export async function startValidatorNet(
  base: string,
  count: number,
  options: {
    wrongPlot?: number[]
    balances?: { address: string; amount: string }[]
    /** A spendable balance for every validator's account, besides its stake. */
    fundEach?: string
    params?: Partial<ChainParams>
  } = {},
): Promise<ValidatorNet> {
  const dataDirs = Array.from({ length: count }, (_, i) => join(base, `v${i + 1}`))
  const candidates = []
  for (const dir of dataDirs) candidates.push(await candidateOf(dir))
  for (const i of options.wrongPlot ?? []) {
    const candidate = candidates[i]!
    candidate.space = {
      ...candidate.space,
      root: createHash('sha256').update(candidate.space.root).digest('hex'),
    }
  }
  const genesis = createNetworkGenesis({
    name: `${count} validators`,
    validators: candidates,
    params: { ...TEST_NET_PARAMS, ...options.params },
    balances: [
      ...(options.balances ?? []),
      ...(options.fundEach == null
        ? []
        : candidates.map((c) => ({
            address: addressOf(falcon1024Scheme, c.falconPublicKey),
            amount: options.fundEach!,
          }))),
    ],
  })
  const genesisFile = join(base, 'genesis.json')
  writeFileSync(genesisFile, JSON.stringify(genesis))
  const net: ValidatorNet = {
    genesisFile,
    genesis,
    dataDirs,
    daemons: dataDirs.map(() => null),
    async start(i) {
      const daemon = await startDaemon(dataDirs[i] as string, ['--genesis', genesisFile])
      net.daemons[i] = daemon
      const first = net.daemons.find((d, j) => d != null && j !== i)
      if (first != null) {
        const { invite } = await first.call('network.invite', {})
        await daemon.call('network.join', { invite })
      }
      return daemon
    },
  }
  for (let i = 0; i < count; i++) await net.start(i)
  return net
}

export async function chainStatus(d: Daemon): Promise<Extract<ChainStatus, { available: true }>> {
  const status = await d.call('chain.status', {})
  if (!status.available) throw new Error(`no chain: ${status.reason}`)
  return status
}

/** The hash each daemon holds at `height` (undefined where it has not reached it). */
export async function hashesAt(daemons: readonly Daemon[], height: number): Promise<(string | undefined)[]> {
  return Promise.all(
    daemons.map(async (d) => (await d.call('chain.blocks', { limit: 1, beforeHeight: height + 1 }))[0]?.hash),
  )
}

export async function waitForHeight(daemons: readonly Daemon[], height: number, timeoutMs = 60_000) {
  await waitFor(
    `${daemons.length} validators to reach height ${height}`,
    async () => (await Promise.all(daemons.map(chainStatus))).every((s) => s.height >= height),
    timeoutMs,
  )
}

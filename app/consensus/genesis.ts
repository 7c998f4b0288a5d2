/**
 * A network is its genesis document; its id is the SHA-256 of the document's canonical JSON (RFC 8785),
 * so a peer cannot hand us a different genesis under a network id it did not come from.
 */
import { createHash, randomBytes } from 'node:crypto'
import canonicalize from 'canonicalize'
import { z } from 'zod'
import { PeerIdText } from '../../shared/schemas'
import { DEFAULT_PARAMS, GenesisConsensus, type ChainParams, type SpaceCommitment } from './params'
import { DEFAULT_REWARD_SCHEDULE } from './rewards/schedule'
import { falcon1024Scheme } from './signature-scheme'
import { addressOf } from './tx'

export const GenesisDocument = z
  .object({
    version: z.literal(1),
    name: z.string().min(1).max(64),
    createdAt: z.iso.datetime(),
    creator: z
      .object({
        peerId: PeerIdText,
        falconPublicKey: z
          .string()
          .regex(/^[A-Za-z0-9+/]+={0,2}$/)
          .max(4096),
      })
      .strict(),
    /** Random bytes so that two devnets made by one node at one instant still differ. */
    salt: z.string().regex(/^[0-9a-f]{32}$/),
    /** Transport rules every member enforces. Absent: STOQ (post-quantum) connections only. */
    transport: z.object({ allowClassicalNoise: z.boolean() }).strict().optional(),
    /**
     * The ledger: parameters, validators and initial balances. Absent on networks made before the ledger
     * existed; those keep working for everything else, and the node says that they have no chain.
     */
    consensus: GenesisConsensus.optional(),
  })
  .strict()
export type GenesisDocument = z.infer<typeof GenesisDocument>

/** Whether members may keep connections secured by classical Noise (X25519 only). Default: no. */
export const allowsClassicalNoise = (genesis: GenesisDocument): boolean =>
  genesis.transport?.allowClassicalNoise === true

export function networkIdOf(genesis: GenesisDocument): string {
  const canonical = canonicalize(genesis)
  if (canonical == null) throw new Error('genesis cannot be canonicalized')
  return createHash('sha256').update(canonical, 'utf8').digest('hex')
}

/** 1 CAESAR in base units. */
const CAESAR = 1_000_000n
/** What a new devnet's creator starts with: enough to try transfers and staking. */
export const DEVNET_CREATOR_BALANCE = (1_000_000n * CAESAR).toString()

export interface ValidatorCandidate {
  peerId: string
  falconPublicKey: Uint8Array
  space: SpaceCommitment
}

/**
 * A network whose validators are the given nodes, each bonded with `stake` and funded with
 * DEVNET_CREATOR_BALANCE; the first is the creator. `npm run testnet` and the multi-validator tests use it.
 */
export function createNetworkGenesis(init: {
  name: string
  validators: readonly ValidatorCandidate[]
  params?: Partial<ChainParams>
  stake?: string
  /** More funded accounts (benchmarks' senders). */
  balances?: { address: string; amount: string }[]
}): GenesisDocument {
  const first = init.validators[0]
  if (first == null) throw new Error('a network needs at least one validator')
  // Keys set to undefined are dropped: a genesis must read the same after a JSON round trip (its id).
  const params = JSON.parse(JSON.stringify({ ...DEVNET_PARAMS, ...init.params })) as ChainParams
  const b64 = (key: Uint8Array): string => Buffer.from(key).toString('base64')
  return GenesisDocument.parse({
    version: 1,
    name: init.name,
    createdAt: new Date().toISOString(),
    creator: { peerId: first.peerId, falconPublicKey: b64(first.falconPublicKey) },
    salt: randomBytes(16).toString('hex'),
    consensus: {
      params,
      validators: init.validators.map((v) => ({
        peerId: v.peerId,
        publicKey: b64(v.falconPublicKey),
        stake: init.stake ?? params.minValidatorStake,
        space: v.space,
      })),
      balances: [
        ...init.validators.map((v) => ({
          address: addressOf(falcon1024Scheme, v.falconPublicKey),
          amount: DEVNET_CREATOR_BALANCE,
        })),
        ...(init.balances ?? []),
      ],
    },
  })
}

/**
 * A devnet whose only validator is its creator, with its own plot, so that it produces blocks on its own.
 * Empty blocks are made at most every 30 s: an idle desktop node should not spend a core on VDFs.
 */
export function createDevnetGenesis(init: { name: string } & ValidatorCandidate): GenesisDocument {
  return createNetworkGenesis({ name: init.name, validators: [init] })
}

export const DEVNET_PARAMS: ChainParams = {
  ...DEFAULT_PARAMS,
  emptyBlocksEveryMs: 30_000,
  // Epochs of 100 blocks: a busy devnet pays every couple of minutes, an idle one within the hour.
  rewards: { ...DEFAULT_REWARD_SCHEDULE, epochBlocks: 100 },
}

/** The time a network's chain starts at: its genesis creation time. */
export const genesisTimeMs = (genesis: GenesisDocument): number => Date.parse(genesis.createdAt)

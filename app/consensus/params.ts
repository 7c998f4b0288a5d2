/**
 * The ledger's rules, fixed by the genesis document: signature scheme, timeouts, limits, fees, staking and
 * the security parameters of the four proofs. Every validator runs with the same values, because they are
 * part of the network id.
 */
import { z } from 'zod'
import { HashText, PeerIdText } from '../../shared/schemas'
import { AddressText, AmountText } from '../../shared/chain-schemas'
import { RewardSchedule } from '../../shared/rewards'
import { isCanonicalBase64 } from './codec'
import { DEFAULT_REWARD_SCHEDULE } from './rewards/schedule'

// Amounts are whole base units, as decimal strings; hashes and ids 64 hex characters; the API shares both.
export { AddressText, AmountText } from '../../shared/chain-schemas'
export { HashText } from '../../shared/schemas'

/** An account address: the first 20 bytes of SHA-256 over the scheme name and public key, as hex. */
/** Byte strings: canonical base64 only, so that no signature or key has a second spelling. */
export const Base64Text = z.string().refine(isCanonicalBase64, 'not canonical base64')

/** The most validators a set may have: a commit holds at most this many precommits. */
export const MAX_VALIDATORS = 1_000

export const ProofParams = z
  .object({
    /** PoWork: leading zero bits the block's work hash must have. */
    workDifficultyBits: z.number().int().min(0).max(40),
    /** PoTime: sequential squarings in the VDF over the previous block hash. */
    vdfSquarings: z.number().int().min(1).max(50_000_000),
    /** PoSpace: plot size as a power of two, labels' hash iterations, and challenges per block. */
    spaceLeavesLog2: z.number().int().min(4).max(30),
    spaceLabelIterations: z.number().int().min(1).max(100_000),
    spaceChallenges: z.number().int().min(1).max(64),
  })
  .strict()
export type ProofParams = z.infer<typeof ProofParams>

export const ChainParams = z
  .object({
    scheme: z.enum(['falcon-1024', 'ml-dsa-87']),
    /**
     * Tendermint timeouts: base values and the increase per round (timeout(r) = base + r·delta). The
     * increase must be positive: the paper's liveness argument needs timeouts that eventually outgrow the
     * network's unknown delay.
     */
    timeoutProposeMs: z.number().int().min(10).max(600_000),
    timeoutPrevoteMs: z.number().int().min(10).max(600_000),
    timeoutPrecommitMs: z.number().int().min(10).max(600_000),
    timeoutDeltaMs: z.number().int().min(1).max(600_000),
    /** Pause after a commit before the next height starts, so that blocks are not empty back to back. */
    blockIntervalMs: z.number().int().min(0).max(600_000),
    /**
     * When set, a height starts only once there is something to commit (a transaction or evidence), a peer
     * has started it, or this long has passed since the last block; absent, blocks follow each other.
     */
    emptyBlocksEveryMs: z.number().int().min(0).max(86_400_000).optional(),
    maxTxBytes: z.number().int().min(256).max(1_048_576),
    maxBlockTxs: z.number().int().min(1).max(100_000),
    minFee: AmountText,
    bondingPeriodBlocks: z.number().int().min(0).max(10_000_000),
    /** At least one unit: a validator with nothing bonded would have no voting power. */
    minValidatorStake: AmountText.refine((a) => BigInt(a) > 0n, 'validators must bond at least one unit'),
    /** Share of a validator's bond that equivocation burns, in parts per million. */
    slashPpm: z.number().int().min(0).max(1_000_000),
    /** How far a block's timestamp may run ahead of a validator's own clock. */
    maxClockDriftMs: z.number().int().min(0).max(3_600_000),
    proofs: ProofParams,
    /** Rewards per epoch; networks made before rewards existed use DEFAULT_REWARD_SCHEDULE. */
    rewards: RewardSchedule.optional(),
  })
  .strict()
export type ChainParams = z.infer<typeof ChainParams>

export const SpaceCommitment = z
  .object({ root: HashText, leavesLog2: z.number().int().min(4).max(30) })
  .strict()
export type SpaceCommitment = z.infer<typeof SpaceCommitment>

export const GenesisValidator = z
  .object({
    peerId: PeerIdText,
    publicKey: Base64Text.max(8192),
    stake: AmountText,
    space: SpaceCommitment,
  })
  .strict()
export type GenesisValidator = z.infer<typeof GenesisValidator>

/** The consensus section of a genesis document. */
export const GenesisConsensus = z
  .object({
    params: ChainParams,
    validators: z.array(GenesisValidator).min(1).max(MAX_VALIDATORS),
    balances: z.array(z.object({ address: AddressText, amount: AmountText }).strict()).max(100_000),
  })
  .strict()
  .superRefine((genesis, ctx) => {
    // Every validator meets the rule a joining one must meet: none starts with a stake it could not join with.
    const minimum = BigInt(genesis.params.minValidatorStake)
    genesis.validators.forEach((v, i) => {
      if (BigInt(v.stake) < minimum)
        ctx.addIssue({
          code: 'custom',
          path: ['validators', i, 'stake'],
          message: `validator stake ${v.stake} is below the minimum ${genesis.params.minValidatorStake}`,
        })
    })
  })
export type GenesisConsensus = z.infer<typeof GenesisConsensus>

/** Defaults for a new network: about one block a second on a desktop, FALCON-1024 keys. */
export const DEFAULT_PARAMS: ChainParams = {
  scheme: 'falcon-1024',
  timeoutProposeMs: 3_000,
  timeoutPrevoteMs: 1_000,
  timeoutPrecommitMs: 1_000,
  timeoutDeltaMs: 500,
  blockIntervalMs: 1_000,
  // An asset registration with its ConsensusProof is about 18.5 KiB; a transfer about 4.5 KiB.
  maxTxBytes: 32_768,
  maxBlockTxs: 5_000,
  minFee: '10',
  bondingPeriodBlocks: 100,
  minValidatorStake: '1000000000',
  slashPpm: 50_000,
  maxClockDriftMs: 10_000,
  proofs: {
    workDifficultyBits: 12,
    vdfSquarings: 20_000,
    spaceLeavesLog2: 16,
    spaceLabelIterations: 32,
    spaceChallenges: 8,
  },
  rewards: DEFAULT_REWARD_SCHEDULE,
}

/**
 * The chain view's part of the API contract: the ledger as the dashboard shows it. Amounts are whole base
 * units as decimal strings (1 CAESAR = 1,000,000 units), so that no value is ever rounded on the way.
 */
import { z } from 'zod'
import { HashText, PeerIdText } from './schemas'

export const UNITS_PER_CAESAR = 1_000_000n

/** Amounts are whole base units (1 CAESAR = 10^6 units), written as decimal strings to stay exact. */
export const AmountText = z.string().regex(/^(0|[1-9][0-9]{0,29})$/, 'an amount is a whole number of units')
const Amount = AmountText
/** An account address: 40 lowercase hex characters. */
export const AddressText = z.string().regex(/^[0-9a-f]{40}$/, 'an address is 40 hex characters')
const Address = AddressText
const Hash = HashText

export const ProofName = z.enum(['PoTime', 'PoSpace', 'PoWork', 'PoStake'])
export type ProofName = z.infer<typeof ProofName>

/** One block as the chain view lists it, with what each of its four proofs claims. */
export const BlockSummary = z.object({
  height: z.number().int().min(1),
  hash: Hash,
  timeMs: z.number(),
  proposer: Address,
  txCount: z.number().int().min(0),
  evidenceCount: z.number().int().min(0),
  /** Votes in the commit that finalised it. */
  commitVotes: z.number().int().min(0),
  proofs: z.object({
    time: z.object({ squarings: z.number().int() }),
    space: z.object({ challenges: z.number().int(), peerId: PeerIdText }),
    work: z.object({ difficultyBits: z.number().int() }),
    stake: z.object({ address: Address }),
  }),
})
export type BlockSummary = z.infer<typeof BlockSummary>

export const ValidatorSummary = z.object({
  address: Address,
  peerId: PeerIdText,
  stake: Amount,
  /** Share of all voting power, 0–1. */
  share: z.number(),
  jailed: z.boolean(),
  isSelf: z.boolean(),
})
export type ValidatorSummary = z.infer<typeof ValidatorSummary>

export const AccountSummary = z.object({
  address: Address,
  balance: Amount,
  bonded: Amount,
  nonce: z.number().int().min(0),
  /** The account this one's earnings are paid to; absent when they are paid to itself. */
  payoutTo: Address.optional(),
})
export type AccountSummary = z.infer<typeof AccountSummary>

/**
 * One of this node's own transactions: pending from the moment the pool admits it until a block commits
 * it, or until it is refused (it can no longer apply, or another transaction took its nonce). Pending ones
 * are kept on disk and submitted again after a restart.
 */
export const OwnTxSummary = z.object({
  txId: Hash,
  nonce: z.number().int().min(0),
  kind: z.string(),
  status: z.enum(['pending', 'committed', 'refused']),
  /** Why it was refused; null otherwise. */
  reason: z.string().nullable(),
  /** The block that committed it; null otherwise. */
  height: z.number().int().min(1).nullable(),
  submittedAt: z.number(),
})
export type OwnTxSummary = z.infer<typeof OwnTxSummary>

export const ChainStatus = z.discriminatedUnion('available', [
  z.object({
    available: z.literal(false),
    /** Why this network has no chain, in words for the user. */
    reason: z.string(),
  }),
  z.object({
    available: z.literal(true),
    chainId: Hash,
    height: z.number().int().min(0),
    lastBlockHash: Hash,
    lastBlockTimeMs: z.number(),
    role: z.enum(['validator', 'observer']),
    self: AccountSummary,
    validators: z.number().int().min(1),
    scheme: z.string(),
    minFee: Amount,
    /** The least bonded stake a validator must hold. */
    minValidatorStake: Amount,
    blockIntervalMs: z.number().int(),
    pendingTxs: z.number().int().min(0),
    /** This node's own transactions: the pending ones, then the latest settled. */
    ownTxs: z.array(OwnTxSummary),
  }),
])
export type ChainStatus = z.infer<typeof ChainStatus>

export const BlocksQuery = z
  .object({
    limit: z.number().int().min(1).max(100).default(20),
    /** Newest first, starting below this height; absent: from the tip. */
    beforeHeight: z.number().int().min(1).optional(),
  })
  .strict()

export const AccountQuery = z.object({ address: Address }).strict()

/** Where this node's earnings (rewards, job and lease payments) are paid: the node's own account or another. */
export const PayoutRequest = z.object({ to: Address }).strict()

export const TransferRequest = z
  .object({
    to: Address,
    amount: Amount.refine((a) => a !== '0', 'send more than 0'),
    /** Absent: the network's minimum fee. */
    fee: Amount.optional(),
  })
  .strict()
export type TransferRequest = z.infer<typeof TransferRequest>

/** Bond (stake) or start unbonding (unstake) this node's CAESAR. */
export const StakeRequest = z
  .object({
    amount: Amount.refine((a) => a !== '0', 'stake more than 0'),
    fee: Amount.optional(),
  })
  .strict()
export type StakeRequest = z.infer<typeof StakeRequest>

/** Join or leave the validator set with this node's bonded stake, plot and peer id. */
export const ValidatorRequest = z.object({ fee: Amount.optional() }).strict()
export type ValidatorRequest = z.infer<typeof ValidatorRequest>

/** A transaction signed elsewhere (a wallet, a script); the ledger checks it like one from a peer. */
export const SubmitTxRequest = z.object({ tx: z.unknown() }).strict()

/**
 * A transaction the pool admitted. It is pending, not done: final only once a block commits it (see
 * ChainStatus.ownTxs); until then this node keeps it and submits it again after a restart.
 */
export const TransferReceipt = z.object({
  txId: Hash,
  nonce: z.number().int().min(0),
  status: z.literal('pending'),
})
export type TransferReceipt = z.infer<typeof TransferReceipt>

export const BlockCheckRequest = z.object({ height: z.number().int().min(1) }).strict()

/** Re-verification of one stored block's commit and four proofs, on request. */
export const BlockCheck = z.object({
  height: z.number().int().min(1),
  ok: z.boolean(),
  /** Null when every check passed; else the first failure, naming the proof. */
  failure: z.string().nullable(),
  ms: z.number(),
})
export type BlockCheck = z.infer<typeof BlockCheck>

/** Units as CAESAR with up to six decimals, no rounding: "1234.5". */
export function formatCaesar(units: string): string {
  const value = BigInt(units)
  const whole = value / UNITS_PER_CAESAR
  const fraction = (value % UNITS_PER_CAESAR).toString().padStart(6, '0').replace(/0+$/, '')
  return fraction === '' ? whole.toString() : `${whole}.${fraction}`
}

/** "12.5" CAESAR as units; null when it is not a plain non-negative number with at most six decimals. */
export function parseCaesar(text: string): string | null {
  const match = /^\s*([0-9]{1,24})(?:\.([0-9]{1,6}))?\s*$/.exec(text)
  if (match == null) return null
  const units = BigInt(match[1]!) * UNITS_PER_CAESAR + BigInt((match[2] ?? '').padEnd(6, '0'))
  return units.toString()
}

/**
 * A job's record on the ledger, as any node holds it: its escrow (null before one is committed), what the
 * escrow paid each provider account, and the evidence against the providers it outvoted.
 */
export const JobOnLedger = z.object({
  jobId: Hash,
  escrow: z
    .object({
      payer: Address,
      /**
       * What is left of the budget: held after a settlement through the providers' claim window, for a
       * provider it left out; 0 once refunded.
       */
      remaining: Amount,
      status: z.enum(['open', 'settled', 'refunded']),
      settleBy: z.number(),
      paid: z.array(z.object({ account: Address, amount: Amount })),
    })
    .nullable(),
  /** Evidence on the ledger: each outvoted provider's account, the hash it returned and the one accepted. */
  outvoted: z.array(
    z.object({
      account: Address,
      provider: z.string(),
      outputHash: Hash,
      acceptedHash: Hash,
      height: z.number(),
    }),
  ),
})
export type JobOnLedger = z.infer<typeof JobOnLedger>

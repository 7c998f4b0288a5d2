/**
 * Account history in the API contract (docs/caesar.md, History): every change to an account's balance or
 * stake, one entry per transaction (or per block event: rewards, released stake, slashing), committed
 * ones from the node's index of the chain and this node's pending ones from its pool.
 */
import { z } from 'zod'
import { AddressText } from './chain-schemas'
import { HashText } from './schemas'

const Address = AddressText
const Hash = HashText
/** A whole number of base units with a sign: what an entry added to (or took from) the account. */
const SignedAmount = z.string().regex(/^-?(0|[1-9][0-9]{0,30})$/, 'a signed whole number of units')

export const HISTORY_CATEGORIES = [
  'sent',
  'received',
  'staked',
  'rewards',
  'escrow',
  'trades',
  'other',
] as const
export const HistoryCategory = z.enum(HISTORY_CATEGORIES)
export type HistoryCategory = z.infer<typeof HistoryCategory>

export const HistoryQuery = z
  .object({
    account: Address,
    /** Absent or empty: every category. */
    categories: z.array(HistoryCategory).max(HISTORY_CATEGORIES.length).optional(),
    /** Entries of blocks below this height only (the next page); absent, from the newest. */
    beforeHeight: z.number().int().min(1).optional(),
    limit: z.number().int().min(1).max(500).default(100),
  })
  .strict()
export type HistoryQuery = z.input<typeof HistoryQuery>

export const HistoryEntry = z.object({
  account: Address,
  status: z.enum(['pending', 'committed']),
  /** The block that committed it; null while pending. */
  height: z.number().int().nullable(),
  timeMs: z.number(),
  /** The transaction; null for what a block did by itself (rewards, released stake, slashing). */
  txId: Hash.nullable(),
  /** The transaction's kind, or reward, unbonded, slashed. */
  kind: z.string(),
  category: HistoryCategory,
  /** Change to the spendable balance (the fee included) and to bonded stake. */
  balanceChange: SignedAmount,
  stakeChange: SignedAmount,
  /** The fee this account paid for it (0 when it did not send it). */
  fee: z.string(),
  /** The other account, where there is one (a transfer's, a fill's). */
  counterparty: Address.nullable(),
})
export type HistoryEntry = z.infer<typeof HistoryEntry>

export const HistoryPage = z.object({
  /** Pending first, then newest first. */
  entries: z.array(HistoryEntry),
  /** Pass as beforeHeight for older entries; null at the start of the chain. */
  nextBeforeHeight: z.number().int().nullable(),
})
export type HistoryPage = z.infer<typeof HistoryPage>

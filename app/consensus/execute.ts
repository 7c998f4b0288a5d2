/**
 * Deterministic execution: genesis into a state, and a block's evidence and transactions into the next
 * state. Every node that executes the same blocks from the same genesis reaches the same state root.
 * A transaction that fails any check changes nothing; a block with such a transaction is invalid.
 */
import { ASSET_RECORD_DOMAIN } from './asset-registration'
import { applyPeerBind, genesisBindingsOf } from './peer-bindings'
import { applyUsageClaim, beginEpochBlock } from './rewards/usage-claims'
import {
  applyJobClaim,
  applyJobEscrow,
  applyJobRefund,
  applyJobSettle,
  escrowSpend,
  pruneClosedJobs,
  type JobContext,
} from './jobs/escrow'
import { applyLeaseRefund, applyLeaseRelease, pruneClosedLeaseEscrows } from './exchange/lease-escrow'
import { applyOrder, applyOrderCancel, orderSpend } from './exchange/order-book'
import { applyPayoutSet } from './payout'
import { fromBase64, hashOf, type Hash } from './codec'
import { LedgerRejection, reject } from './errors'
import { MAX_VALIDATORS, type ChainParams, type GenesisConsensus } from './params'
import { verifyConsensusProof } from './proofs/consensus-proof'
import type { SignatureScheme } from './signature-scheme'
import { EMPTY_ACCOUNT, LedgerState, type Account } from './state'
import { addressOf, txId, verifyTxSignature, type SignedTx, type TxBody } from './tx'
import type { VerificationCache } from './verification-cache'
import { offenceKey, voteSignatureValid } from './votes'
import type { Evidence } from './block'

export interface ExecutionContext {
  readonly chainId: Hash
  readonly params: ChainParams
  readonly scheme: SignatureScheme
  /** Hashes of recent blocks an asset proof may be anchored to. */
  readonly isRecentAnchor: (hash: Hash) => boolean
  /** The executing ledger's memory of checks already made; absent, every check verifies. */
  readonly cache?: VerificationCache
}

export function genesisState(genesis: GenesisConsensus, scheme: SignatureScheme): LedgerState {
  const state = new LedgerState(0)
  state.genesisBindings = genesisBindingsOf(genesis, scheme)
  for (const { address, amount } of genesis.balances) {
    const prior = state.accounts.get(address) ?? EMPTY_ACCOUNT
    state.accounts.set(address, { ...prior, balance: prior.balance + BigInt(amount) })
  }
  for (const v of genesis.validators) {
    const address = addressOf(scheme, fromBase64(v.publicKey))
    if (state.validators.has(address)) throw new Error(`genesis lists validator ${address} twice`)
    const prior = state.accounts.get(address) ?? EMPTY_ACCOUNT
    state.accounts.set(address, { ...prior, bonded: prior.bonded + BigInt(v.stake) })
    state.validators.set(address, {
      address,
      peerId: v.peerId,
      publicKey: v.publicKey,
      space: v.space,
      active: true,
      jailed: false,
    })
  }
  if (state.validatorSet().size === 0) throw new Error('genesis has no validator with stake')
  return state
}

/** Checks and applies one transaction to `state` (a copy the caller owns). Throws LedgerRejection. */
export function applyTx(state: LedgerState, tx: SignedTx, ctx: ExecutionContext, proposer: string): void {
  const body = tx.body
  // Cheapest first: the signature (about a millisecond unless cached) only once the state says yes.
  if (body.chainId !== ctx.chainId)
    reject('wrong-chain', `transaction is for chain ${body.chainId.slice(0, 12)}…`)
  const sender = state.account(body.from)
  if (sender == null) return reject('unknown-account', `account ${body.from} has never received funds`)
  if (body.nonce !== sender.nonce)
    reject(
      'wrong-nonce',
      `account ${body.from} is at nonce ${sender.nonce}; the transaction has ${body.nonce}`,
    )
  const fee = BigInt(body.fee)
  if (fee < BigInt(ctx.params.minFee))
    reject('fee-too-low', `fee ${fee} is below the minimum ${ctx.params.minFee}`)
  const spend = fee + spendOf(body)
  if (sender.balance < spend)
    reject(
      'insufficient-balance',
      `account ${body.from} has ${sender.balance}; the transaction needs ${spend}`,
    )
  verifyTxSignature(tx, ctx.scheme, ctx.chainId, ctx.cache)
  const after: Account = { ...sender, balance: sender.balance - spend, nonce: sender.nonce + 1 }
  const result = applyKind(state, after, body, tx, ctx)
  // What the kind paid to the sender's own address in the state (earnings, a fill's refund) is kept.
  const credited = (state.account(body.from)?.balance ?? 0n) - sender.balance
  state.accounts.set(body.from, credited === 0n ? result : { ...result, balance: result.balance + credited })
  const payee = state.account(proposer) ?? EMPTY_ACCOUNT
  state.accounts.set(proposer, { ...payee, balance: payee.balance + fee })
}

function spendOf(body: TxBody): bigint {
  if (body.kind === 'transfer' || body.kind === 'stake') return BigInt(body.amount)
  if (body.kind === 'job-escrow') return escrowSpend(body)
  if (body.kind === 'order-buy' || body.kind === 'order-sell') return orderSpend(body)
  return 0n
}

function applyKind(
  state: LedgerState,
  sender: Account,
  body: TxBody,
  tx: SignedTx,
  ctx: ExecutionContext,
): Account {
  switch (body.kind) {
    case 'transfer': {
      if (BigInt(body.amount) === 0n) reject('malformed', 'a transfer must move a positive amount')
      if (body.to === body.from) return { ...sender, balance: sender.balance + BigInt(body.amount) }
      const to = state.account(body.to) ?? EMPTY_ACCOUNT
      state.accounts.set(body.to, { ...to, balance: to.balance + BigInt(body.amount) })
      return sender
    }
    case 'stake':
      if (BigInt(body.amount) === 0n) reject('malformed', 'stake a positive amount')
      return { ...sender, bonded: sender.bonded + BigInt(body.amount) }
    case 'unstake':
      return unstake(state, sender, body.from, BigInt(body.amount), ctx.params)
    case 'validator-join':
      return joinValidators(state, sender, body, ctx.params)
    case 'validator-leave': {
      const record = state.validators.get(body.from)
      if (record == null || !record.active)
        reject('not-a-validator', `account ${body.from} is not a validator`)
      // With nobody left to propose and vote, the chain could never make another block.
      if (state.validatorSet().members.every((m) => m.record.address === body.from))
        reject('last-validator', 'the last validator cannot leave; another must join first')
      state.validators.set(body.from, { ...record!, active: false })
      return sender
    }
    case 'asset-register':
      registerAsset(state, sender, body, tx, ctx)
      return sender
    case 'usage-claim':
      applyUsageClaim(state, body, { networkId: ctx.chainId, params: ctx.params, timeMs: state.timeMs })
      return sender
    case 'peer-bind':
      applyPeerBind(state, body)
      return sender
    case 'job-escrow':
      applyJobEscrow(state, body, jobContext(state, ctx))
      return sender
    case 'job-settle':
      return applyJobSettle(state, sender, body, jobContext(state, ctx))
    case 'job-claim':
      return applyJobClaim(state, sender, body, jobContext(state, ctx))
    case 'job-refund':
      return applyJobRefund(state, sender, body, jobContext(state, ctx))
    case 'payout-set':
      applyPayoutSet(state, body)
      return sender
    case 'order-buy':
    case 'order-sell':
      return applyOrder(state, sender, body, txId(tx), state.timeMs)
    case 'order-cancel':
      return applyOrderCancel(state, sender, body)
    case 'lease-release':
      applyLeaseRelease(state, body, jobContext(state, ctx))
      return sender
    case 'lease-refund':
      return applyLeaseRefund(state, sender, body, jobContext(state, ctx))
  }
}

const jobContext = (state: LedgerState, ctx: ExecutionContext): JobContext => ({
  networkId: ctx.chainId,
  params: ctx.params,
  timeMs: state.timeMs,
})

function unstake(
  state: LedgerState,
  sender: Account,
  from: string,
  amount: bigint,
  params: ChainParams,
): Account {
  if (amount === 0n) reject('malformed', 'unstake a positive amount')
  if (sender.bonded < amount)
    reject('insufficient-stake', `account ${from} has ${sender.bonded} bonded, not ${amount}`)
  const record = state.validators.get(from)
  if (record?.active === true && sender.bonded - amount < BigInt(params.minValidatorStake))
    reject(
      'insufficient-stake',
      'a validator must keep the minimum stake bonded; leave the validator set first',
    )
  const releaseHeight = state.height + params.bondingPeriodBlocks
  return {
    ...sender,
    bonded: sender.bonded - amount,
    unbonding: [...sender.unbonding, { amount, releaseHeight }],
  }
}

function joinValidators(
  state: LedgerState,
  sender: Account,
  body: Extract<TxBody, { kind: 'validator-join' }>,
  params: ChainParams,
): Account {
  if (state.validators.get(body.from)?.active === true)
    reject('already-a-validator', `${body.from} is a validator`)
  if (state.validators.get(body.from)?.jailed === true)
    reject('not-a-validator', `${body.from} was slashed and jailed`)
  if (sender.bonded < BigInt(params.minValidatorStake))
    reject(
      'insufficient-stake',
      `validators bond at least ${params.minValidatorStake}; ${body.from} has ${sender.bonded}`,
    )
  if (body.space.leavesLog2 !== params.proofs.spaceLeavesLog2)
    reject('malformed', `the plot must have 2^${params.proofs.spaceLeavesLog2} labels`)
  // A commit holds at most MAX_VALIDATORS precommits; a larger set might never fit a quorum in one.
  if (state.validatorSet().size >= MAX_VALIDATORS)
    reject('validator-set-full', `the validator set has its maximum of ${MAX_VALIDATORS} validators`)
  for (const v of state.validators.values())
    if (v.active && v.peerId === body.peerId) reject('duplicate', `peer ${body.peerId} already validates`)
  state.validators.set(body.from, {
    address: body.from,
    peerId: body.peerId,
    publicKey: body.publicKey,
    space: body.space,
    active: true,
    jailed: false,
  })
  return sender
}

function registerAsset(
  state: LedgerState,
  sender: Account,
  body: Extract<TxBody, { kind: 'asset-register' }>,
  tx: SignedTx,
  ctx: ExecutionContext,
): void {
  if (state.assets.has(body.assetId)) reject('duplicate', `asset ${body.assetId} is already registered`)
  if (!ctx.isRecentAnchor(body.anchor))
    reject('invalid-proof', 'the asset proof is anchored to an unknown or old block')
  const { proof, ...record } = body
  verifyConsensusProof(proof, {
    anchor: body.anchor,
    subject: hashOf(ASSET_RECORD_DOMAIN, record),
    params: ctx.params.proofs,
    scheme: ctx.scheme,
    signerAddress: body.from,
    signerPublicKey: fromBase64(tx.body.publicKey),
    space: body.space,
    stakeRefusal: () => (sender.bonded > 0n ? null : `owner ${body.from} has no bonded stake`),
    cache: ctx.cache,
  })
  state.assets.set(body.assetId, {
    assetId: body.assetId,
    owner: body.from,
    resource: body.resource,
    capacity: BigInt(body.capacity),
    privacy: body.privacy,
    // Where the asset is served: the peer whose signed location its PoSpace proof carries.
    peerId: proof.space.location.peerId,
    registeredAt: state.height,
  })
}

/**
 * Verifies equivocation evidence and slashes: burns slashPpm of the bond, and of every unbonding entry
 * created at or after the offending height (stake that was bonded when the validator offended, so leaving
 * and unstaking in the same block does not escape), and jails the validator.
 */
export function applyEvidence(state: LedgerState, evidence: Evidence, ctx: ExecutionContext): void {
  const { a, b } = evidence
  const bad = (why: string): never => reject('invalid-evidence', why)
  if (a.validator !== b.validator || a.type !== b.type || a.height !== b.height || a.round !== b.round)
    bad('the two votes are not by one validator for one height, round and step')
  if (a.blockHash === b.blockHash) bad('the two votes agree; that is not equivocation')
  if (a.chainId !== ctx.chainId || b.chainId !== ctx.chainId) bad('evidence from another chain')
  if (a.height > state.height + 1 || state.height + 1 - a.height > ctx.params.bondingPeriodBlocks)
    bad(`evidence for height ${a.height} is outside the bonding period`)
  // One offence is punished once, whatever the evidence's bytes; checked before any signature.
  const offence = offenceKey(a)
  if (state.punished.has(offence)) reject('duplicate', 'this equivocation was already punished')
  const record = state.validators.get(a.validator)
  if (record == null) return bad(`${a.validator} was never a validator`)
  if (
    !voteSignatureValid(a, record.publicKey, ctx.scheme, ctx.cache) ||
    !voteSignatureValid(b, record.publicKey, ctx.scheme, ctx.cache)
  )
    bad('a vote in the evidence is not signed by the validator')
  state.punished.add(offence)
  const account = state.account(a.validator) ?? EMPTY_ACCOUNT
  const slash = (amount: bigint): bigint => amount - (amount * BigInt(ctx.params.slashPpm)) / 1_000_000n
  // An entry's release height is its creation height plus the bonding period (a genesis constant).
  const createdAt = (releaseHeight: number): number => releaseHeight - ctx.params.bondingPeriodBlocks
  const unbonding = account.unbonding.map((u) =>
    createdAt(u.releaseHeight) >= a.height ? { ...u, amount: slash(u.amount) } : u,
  )
  const bonded = slash(account.bonded)
  const burned =
    account.bonded -
    bonded +
    account.unbonding.reduce((sum, u, i) => sum + u.amount - unbonding[i]!.amount, 0n)
  state.issuance = { ...state.issuance, burned: state.issuance.burned + burned }
  state.accounts.set(a.validator, { ...account, bonded, unbonding })
  state.validators.set(a.validator, { ...record, active: false, jailed: true })
}

/** Releases matured unbonding entries at the start of a block. */
function releaseUnbonding(state: LedgerState): void {
  for (const [address, account] of state.accounts) {
    if (account.unbonding.length === 0) continue
    const due = account.unbonding.filter((u) => u.releaseHeight <= state.height)
    if (due.length === 0) continue
    const released = due.reduce((sum, u) => sum + u.amount, 0n)
    state.accounts.set(address, {
      ...account,
      balance: account.balance + released,
      unbonding: account.unbonding.filter((u) => u.releaseHeight > state.height),
    })
  }
}

/**
 * A copy of the state entering `height` (a block of time `timeMs`), with matured unbonding released and,
 * at the start of an epoch, the epoch before paid.
 */
export function beginBlock(
  prior: LedgerState,
  height: number,
  timeMs: number,
  params: ChainParams,
): LedgerState {
  const state = prior.copy()
  state.height = height
  state.timeMs = timeMs
  releaseUnbonding(state)
  pruneClosedJobs(state)
  pruneClosedLeaseEscrows(state)
  beginEpochBlock(state, params)
  return state
}

/** Executes a block's body into a new state; throws LedgerRejection naming the first bad item. */
export function executeBlockBody(
  prior: LedgerState,
  block: {
    height: number
    proposer: string
    txs: readonly SignedTx[]
    evidence: readonly Evidence[]
    timeMs?: number
  },
  ctx: ExecutionContext,
): LedgerState {
  const state = beginBlock(prior, block.height, block.timeMs ?? prior.timeMs, ctx.params)
  for (const e of block.evidence) applyEvidence(state, e, ctx)
  block.txs.forEach((tx, i) => {
    try {
      applyTx(state, tx, ctx, block.proposer)
    } catch (err) {
      if (err instanceof LedgerRejection)
        reject(err.code, `transaction ${i} (${txId(tx).slice(0, 12)}…): ${err.message}`)
      throw err
    }
  })
  return state
}

/**
 * Ledger transactions: what each kind carries, how it is signed, and how bytes from the network become a
 * transaction or a clear refusal. Execution (balances, nonces, stake) is in execute.ts.
 */
import { z } from 'zod'
import { PeerIdText } from '../../shared/schemas'
// One list of resources and privacy levels for the UI, the sharing terms and the ledger.
import { PrivacyLevel, ResourceKind } from '../../shared/sharing-schemas'
import { canonicalBytes, fromBase64, hashOf, sha256Hex, signingBytes, toBase64, type Hash } from './codec'
import { LedgerRejection, reject } from './errors'
import { AddressText, AmountText, Base64Text, HashText, SpaceCommitment, type ChainParams } from './params'
import { ConsensusProof } from './proofs/consensus-proof'
import { decodeRecordJson } from './records/conventions'
import { SignedLease } from './records/lease'
import { SignedPeerBinding } from './records/peer-binding'
import { SignedUsageReceipt } from './records/usage-receipt'
import { SignedJobSpec } from './records/job-spec'
import { SignedWorkReceipt } from './records/work-receipt'
import type { SignatureScheme } from './signature-scheme'
import type { TxSignatureFailure, VerificationCache } from './verification-cache'

export type { TxSignatureFailure } from './verification-cache'

/** The most receipts a `job-settle` carries in each list: r ≤ 5 providers and a tie-breaker. */
export const MAX_SETTLE_RECEIPTS = 6

const Envelope = {
  chainId: HashText,
  from: AddressText,
  publicKey: Base64Text.max(8192),
  nonce: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  fee: AmountText,
}

export const TxBody = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('transfer'), ...Envelope, to: AddressText, amount: AmountText }).strict(),
  z.object({ kind: z.literal('stake'), ...Envelope, amount: AmountText }).strict(),
  z.object({ kind: z.literal('unstake'), ...Envelope, amount: AmountText }).strict(),
  z
    .object({ kind: z.literal('validator-join'), ...Envelope, peerId: PeerIdText, space: SpaceCommitment })
    .strict(),
  z.object({ kind: z.literal('validator-leave'), ...Envelope }).strict(),
  z
    .object({
      kind: z.literal('asset-register'),
      ...Envelope,
      assetId: HashText,
      resource: ResourceKind,
      capacity: AmountText,
      privacy: PrivacyLevel,
      /** The owner's plot, the recent block the proof is anchored to, and the asset's ConsensusProof. */
      space: SpaceCommitment,
      anchor: HashText,
      proof: ConsensusProof,
    })
    .strict(),
  /** An asset owner claims the holder's receipt for use of its asset under `lease` (rewards/usage-claims.ts). */
  z
    .object({ kind: z.literal('usage-claim'), ...Envelope, lease: SignedLease, receipt: SignedUsageReceipt })
    .strict(),
  /** The sender binds its account's key to its peer id, signed by both (peer-bindings.ts). */
  z.object({ kind: z.literal('peer-bind'), ...Envelope, binding: SignedPeerBinding }).strict(),
  /** The submitter holds a job's budget in escrow (jobs/escrow.ts, as are the three kinds below). */
  z.object({ kind: z.literal('job-escrow'), ...Envelope, job: SignedJobSpec }).strict(),
  /** The payer pays the providers whose receipts it accepts and names the outvoted ones. */
  z
    .object({
      kind: z.literal('job-settle'),
      ...Envelope,
      jobId: HashText,
      paid: z.array(SignedWorkReceipt).max(MAX_SETTLE_RECEIPTS),
      outvoted: z.array(SignedWorkReceipt).max(MAX_SETTLE_RECEIPTS),
    })
    .strict(),
  /** A provider claims its receipt from an escrow its payer never settled. */
  z
    .object({ kind: z.literal('job-claim'), ...Envelope, jobId: HashText, receipt: SignedWorkReceipt })
    .strict(),
  /** The payer takes back what remains of an escrow once every window has passed. */
  z.object({ kind: z.literal('job-refund'), ...Envelope, jobId: HashText }).strict(),
  /** The sender's earnings are paid to `to` from now on (payout.ts); `to` = the sender pays it again. */
  z.object({ kind: z.literal('payout-set'), ...Envelope, to: AddressText }).strict(),
  /**
   * A limit order to buy `quantity` units of `market` at `price` or less each, for a lease `holder` will
   * use (exchange/order-book.ts, as are the three kinds below).
   */
  z
    .object({
      kind: z.literal('order-buy'),
      ...Envelope,
      market: ResourceKind,
      price: AmountText,
      quantity: AmountText,
      holder: PeerIdText,
    })
    .strict(),
  /** A limit order to sell `quantity` units of `market` at `price` or more, delivered by `assetId`. */
  z
    .object({
      kind: z.literal('order-sell'),
      ...Envelope,
      market: ResourceKind,
      price: AmountText,
      quantity: AmountText,
      assetId: HashText,
    })
    .strict(),
  /** The owner of a resting order takes it off the book (a buy order's funds come back). */
  z.object({ kind: z.literal('order-cancel'), ...Envelope, orderId: HashText }).strict(),
  /** The seller of a fill is paid for the use the holder's receipt proves (exchange/lease-escrow.ts). */
  z
    .object({
      kind: z.literal('lease-release'),
      ...Envelope,
      escrowId: HashText,
      lease: SignedLease,
      receipt: SignedUsageReceipt,
    })
    .strict(),
  /** The buyer of a fill takes back what was not released once delivery and its window are over. */
  z.object({ kind: z.literal('lease-refund'), ...Envelope, escrowId: HashText }).strict(),
])
export type TxBody = z.infer<typeof TxBody>
export type TxKind = TxBody['kind']

/** A transaction's own fields without its envelope (chain, sender, key, nonce, fee), which the signer adds. */
export type TxKindBody = TxBody extends infer B
  ? B extends unknown
    ? Omit<B, 'chainId' | 'from' | 'publicKey' | 'nonce' | 'fee'>
    : never
  : never

export const SignedTx = z.object({ body: TxBody, signature: Base64Text.max(8192) }).strict()
export type SignedTx = z.infer<typeof SignedTx>

const TX_DOMAIN = 'hypermesh/tx/v1'

/** The account address of a public key under a scheme. */
export const addressOf = (scheme: SignatureScheme, publicKey: Uint8Array): string =>
  sha256Hex('hypermesh/address/v1\0', scheme.name, '\0', publicKey).slice(0, 40)

/**
 * A transaction's id: the hash of what its signature covers, so re-encoding the signature cannot change it.
 * Remembered per body object (bodies are never changed in place), because a transaction's id is needed at
 * every step from gossip to commit and the canonical encoding of a 4 KiB body is the costly part.
 */
export function txId(tx: SignedTx): Hash {
  let id = txIds.get(tx.body)
  if (id === undefined) {
    id = hashOf(TX_DOMAIN, tx.body)
    txIds.set(tx.body, id)
  }
  return id
}
const txIds = new WeakMap<TxBody, Hash>()

export function signTx(body: TxBody, scheme: SignatureScheme, secretKey: Uint8Array): SignedTx {
  const parsed = TxBody.parse(body)
  return { body: parsed, signature: toBase64(scheme.sign(signingBytes(TX_DOMAIN, parsed), secretKey)) }
}

/**
 * Encoded size on the wire, the figure limits are checked against. Remembered per transaction object
 * (never changed in place): a block's size is checked on every step of a round.
 */
export function txSize(tx: SignedTx): number {
  let size = txSizes.get(tx)
  if (size === undefined) {
    size = canonicalBytes(tx).length
    txSizes.set(tx, size)
  }
  return size
}
const txSizes = new WeakMap<SignedTx, number>()

/**
 * Bytes from the network to a transaction: refuses oversized input before parsing it, then anything that
 * is not a well-formed transaction of a known kind.
 */
export function decodeTx(bytes: Uint8Array, params: Pick<ChainParams, 'maxTxBytes'>): SignedTx {
  const decoded = decodeRecordJson(bytes, z.unknown(), { name: 'transaction', maxBytes: params.maxTxBytes })
  if (!decoded.ok) return reject(decoded.code, decoded.message)
  return parseTx(decoded.value, params)
}

export function parseTx(json: unknown, params: Pick<ChainParams, 'maxTxBytes'>): SignedTx {
  const result = SignedTx.safeParse(json)
  if (!result.success) {
    const issue = result.error.issues[0]
    return reject('malformed', `transaction ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`)
  }
  const size = txSize(result.data)
  if (size > params.maxTxBytes)
    reject('oversized', `transaction is ${size} bytes; the limit is ${params.maxTxBytes}`)
  return result.data
}

/**
 * Checks what a transaction says about itself: the chain, that its key is the sender's, and its signature.
 * State checks (nonce, balance) come at execution. With a cache, a transaction is checked when it enters
 * the pool, when a block is built and when a block is validated, but its FALCON signature (about 1 ms)
 * only once; the cache key hashes the whole body (key and chain included) and the signature.
 */
export function verifyTxSignature(
  tx: SignedTx,
  scheme: SignatureScheme,
  chainId: string,
  cache?: VerificationCache,
): void {
  if (tx.body.chainId !== chainId)
    reject('wrong-chain', `transaction is for chain ${tx.body.chainId.slice(0, 12)}…`)
  const key = verdictKey(tx, scheme)
  let verdict = cache?.txVerdicts.get(key)
  if (verdict === undefined) {
    verdict = txSignatureVerdict(tx, scheme) ?? 'valid'
    cache?.txVerdicts.set(key, verdict)
  }
  if (verdict !== 'valid') reject(verdict.code, verdict.message)
}

/**
 * The key-and-signature check alone, never cached: what a verification worker runs. Null when it holds.
 */
export function txSignatureVerdict(tx: SignedTx, scheme: SignatureScheme): TxSignatureFailure | null {
  try {
    checkTxSignature(tx, scheme)
    return null
  } catch (err) {
    if (err instanceof LedgerRejection)
      return { code: err.code as TxSignatureFailure['code'], message: err.message }
    throw err
  }
}

/** Whether `cache` already holds the verdict on `tx`'s signature. */
export const hasTxVerdict = (tx: SignedTx, scheme: SignatureScheme, cache: VerificationCache): boolean =>
  cache.txVerdicts.has(verdictKey(tx, scheme))

/**
 * Takes a verdict that txSignatureVerdict computed elsewhere (the node's verification workers), so that
 * verifyTxSignature does not compute it again.
 */
export function rememberTxVerdict(
  tx: SignedTx,
  scheme: SignatureScheme,
  verdict: TxSignatureFailure | null,
  cache: VerificationCache,
): void {
  cache.txVerdicts.set(verdictKey(tx, scheme), verdict ?? 'valid')
}

const verdictKey = (tx: SignedTx, scheme: SignatureScheme): string =>
  `${scheme.name}|${txId(tx)}|${tx.signature}`

function checkTxSignature(tx: SignedTx, scheme: SignatureScheme): void {
  let publicKey: Uint8Array
  let signature: Uint8Array
  try {
    publicKey = fromBase64(tx.body.publicKey)
    signature = fromBase64(tx.signature)
  } catch {
    return reject('malformed', 'transaction key or signature is not base64')
  }
  if (publicKey.length !== scheme.publicKeyBytes)
    reject(
      'wrong-key',
      `a ${scheme.name} public key is ${scheme.publicKeyBytes} bytes, not ${publicKey.length}`,
    )
  if (addressOf(scheme, publicKey) !== tx.body.from)
    reject('wrong-key', `the public key is not the key of account ${tx.body.from}`)
  if (!scheme.verify(signature, signingBytes(TX_DOMAIN, tx.body), publicKey))
    reject('bad-signature', `signature does not verify for account ${tx.body.from}`)
}

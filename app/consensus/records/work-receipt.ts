/**
 * A work receipt: a provider's signed statement of what it did for one job: how it ended, the hash and
 * size of the output it returned, the CPU time its limited group measured, and the price it ran at. The
 * submitter compares the output hashes of several providers' receipts and settles the job's escrow with
 * them (`job-settle`); the ledger pays each agreeing provider `price × CPU time` and records the receipts
 * of an outvoted provider as evidence against its account. Signed with the provider's FALCON-1024 account
 * key, so nobody can claim work in its name, and naming the job, so it cannot be moved to another.
 *
 * Field names follow the records convention (./conventions.ts).
 */
import { z } from 'zod'
import { PeerIdText } from '../../../shared/schemas'
import { canonicalBytes, signingBytes, toBase64 } from '../codec'
import { AddressText, AmountText, Base64Text } from '../params'
import { falcon1024Scheme, falconSignatureProblem } from '../signature-scheme'
import { JobRuntime, RunStatus } from '../../../shared/jobs-schemas'
import { MAX_JOB_OUTPUT_BYTES, MAX_JOB_WALL_MS } from './job-spec'
import { decodeRecordJson, RecordId, RecordNetworkId, RecordTime, RECORDS_VERSION } from './conventions'

const WORK_RECEIPT_DOMAIN = 'hypermesh/work-receipt/v2'
export const MAX_WORK_RECEIPT_BYTES = 12 * 1024

/**
 * How a run ended: `ok` (the code finished and exited 0), `error` (it threw or exited non-zero), `timeout`
 * (it reached its wall time), `memory` (it reached its memory cap), `output-limit` (it wrote more than
 * its output limit; the output is cut there). One list for the UI and the ledger.
 */
export { RUN_STATUSES, RunStatus } from '../../../shared/jobs-schemas'

export const WorkReceipt = z
  .object({
    v: z.literal(RECORDS_VERSION),
    networkId: RecordNetworkId,
    jobId: RecordId,
    provider: PeerIdText,
    /** The account paid for the work: the address of `providerKey`. */
    providerAccount: AddressText,
    runtime: JobRuntime,
    status: RunStatus,
    /** SHA-256 of the output returned (after any cut). */
    outputHash: RecordId,
    outputBytes: z.number().int().min(0).max(MAX_JOB_OUTPUT_BYTES),
    /**
     * CPU time the job's processes used, as the provider's limited group measured it; for a `wgsl` job, its
     * GPU time, held to its GPU share of its run time (docs/jobs.md, "GPU jobs").
     */
    cpuMillis: z
      .number()
      .int()
      .min(0)
      .max(64 * MAX_JOB_WALL_MS),
    /** CAESAR units per core-hour of CPU time, at most the spec's `maxPricePerCoreHour`. */
    pricePerCoreHour: AmountText,
    /** When the run started and ended on the provider. */
    startsAt: RecordTime,
    endsAt: RecordTime,
  })
  .strict()
  .refine((r) => r.endsAt >= r.startsAt, 'a run ends after it starts')
export type WorkReceipt = z.infer<typeof WorkReceipt>

export const SignedWorkReceipt = z
  .object({ receipt: WorkReceipt, providerKey: Base64Text.max(4096), signature: Base64Text.max(4096) })
  .strict()
export type SignedWorkReceipt = z.infer<typeof SignedWorkReceipt>

/** What a receipt's work costs: its price for its CPU time, rounded up to a whole unit. */
export function workCost(receipt: Pick<WorkReceipt, 'cpuMillis' | 'pricePerCoreHour'>): bigint {
  const numerator = BigInt(receipt.pricePerCoreHour) * BigInt(receipt.cpuMillis)
  return (numerator + 3_599_999n) / 3_600_000n
}

export const workReceiptBytes = (receipt: WorkReceipt): Uint8Array =>
  signingBytes(WORK_RECEIPT_DOMAIN, receipt)

export function signWorkReceipt(
  receipt: WorkReceipt,
  provider: { publicKey: Uint8Array; secretKey: Uint8Array },
): SignedWorkReceipt {
  const parsed = WorkReceipt.parse(receipt)
  const signature = falcon1024Scheme.sign(workReceiptBytes(parsed), provider.secretKey)
  return { receipt: parsed, providerKey: toBase64(provider.publicKey), signature: toBase64(signature) }
}

export const encodeWorkReceipt = (signed: SignedWorkReceipt): Uint8Array => canonicalBytes(signed)

/** Bytes from the network to a receipt, or the reason they are not one. */
export function decodeWorkReceipt(bytes: Uint8Array): SignedWorkReceipt | { refusal: string } {
  const decoded = decodeRecordJson(bytes, SignedWorkReceipt, {
    name: 'work receipt',
    maxBytes: MAX_WORK_RECEIPT_BYTES,
  })
  return decoded.ok ? decoded.value : { refusal: decoded.message }
}

/**
 * Why `signed` is not a receipt for `jobId` on `networkId` signed by the key of its provider account, or
 * null when it is. `addressOfKey` is the ledger's address function.
 */
export function workReceiptRefusal(
  signed: SignedWorkReceipt,
  ctx: { networkId: string; jobId: string; addressOfKey: (publicKeyBase64: string) => string | null },
): string | null {
  const { receipt } = signed
  if (receipt.networkId !== ctx.networkId) return 'the receipt is for another network'
  if (receipt.jobId !== ctx.jobId) return 'the receipt is for another job'
  if (ctx.addressOfKey(signed.providerKey) !== receipt.providerAccount)
    return `the receipt is not signed with the key of account ${receipt.providerAccount}`
  switch (falconSignatureProblem(signed.providerKey, signed.signature, workReceiptBytes(receipt))) {
    case 'not-base64':
      return 'the receipt key or signature is not base64'
    case 'not-a-falcon-key':
      return 'the receipt carries no FALCON-1024 key'
    case 'bad-signature':
      return 'the receipt signature does not verify with the provider key it carries'
  }
  return null
}

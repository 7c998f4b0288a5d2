/**
 * A job spec: a submitter's signed request to run code on other peers' CPU (or GPU). It names the runtime,
 * the code and the input by their SHA-256 (the bytes travel beside it, over STOQ, and are checked against
 * these hashes), the limits every provider runs it under, how many providers must agree on the output, the
 * most the submitter will pay in all and per core-hour, and the privacy level the job needs. It is signed
 * with the submitter's FALCON-1024 account key, so no provider or relay can change what is run or what is
 * paid; the ledger reads it inside `job-escrow` transactions.
 *
 * Field names follow the records convention (./conventions.ts).
 */
import { z } from 'zod'
import { PeerIdText } from '../../../shared/schemas'
import { JobRuntime } from '../../../shared/jobs-schemas'
import { PrivacyLevel } from '../../../shared/sharing-schemas'
import { canonicalBytes, signingBytes, toBase64 } from '../codec'
import { AddressText, AmountText, Base64Text } from '../params'
import { falcon1024Scheme, falconSignatureProblem } from '../signature-scheme'
import { decodeRecordJson, RecordId, RecordNetworkId, RecordTime, RECORDS_VERSION } from './conventions'

const JOB_SPEC_DOMAIN = 'hypermesh/job-spec/v2'

// One list of runtimes for the UI, the providers and the ledger.
export { JOB_RUNTIMES, JobRuntime } from '../../../shared/jobs-schemas'

const MiB = 1024 * 1024
/** The largest code and input a job may carry (each). */
export const MAX_JOB_CODE_BYTES = 16 * MiB
export const MAX_JOB_INPUT_BYTES = 16 * MiB
export const MAX_JOB_OUTPUT_BYTES = 16 * MiB
/** The longest a job may run on one provider, and the longest it stays open for placement. */
export const MAX_JOB_WALL_MS = 3600 * 1000
export const MAX_JOB_LIFETIME_MS = 24 * 3600 * 1000
export const MAX_REDUNDANCY = 5
/** A signed spec is a few KiB (the FALCON key and signature are most of it); far larger is refused unread. */
export const MAX_JOB_SPEC_BYTES = 16 * 1024

export const JobLimits = z
  .object({
    /** CPU share the job may use, in thousandths of a core. */
    millicores: z.number().int().min(10, 'a job uses at least 10 millicores').max(64_000),
    memoryBytes: z
      .number()
      .int()
      .min(16 * MiB, 'a job gets at least 16 MiB of memory')
      .max(8 * 1024 * MiB, 'a job gets at most 8 GiB of memory'),
    wallMs: z
      .number()
      .int()
      .min(100, 'a job runs at least 100 ms')
      .max(MAX_JOB_WALL_MS, 'a job runs at most an hour'),
    outputBytes: z.number().int().min(1).max(MAX_JOB_OUTPUT_BYTES, 'output is at most 16 MiB'),
  })
  .strict()
export type JobLimits = z.infer<typeof JobLimits>

const Sha256Hex = RecordId

export const JobSpec = z
  .object({
    v: z.literal(RECORDS_VERSION),
    networkId: RecordNetworkId,
    /** Chosen at random by the submitter: the job's identity on providers and on the ledger. */
    jobId: RecordId,
    /** The submitter's account (the address of the key that signs the spec; it pays). */
    submitter: AddressText,
    /** The submitter's node, to which providers answer. */
    submitterPeer: PeerIdText,
    runtime: JobRuntime,
    codeHash: Sha256Hex,
    codeBytes: z.number().int().min(1).max(MAX_JOB_CODE_BYTES, 'code is at most 16 MiB'),
    inputHash: Sha256Hex,
    inputBytes: z.number().int().min(0).max(MAX_JOB_INPUT_BYTES, 'input is at most 16 MiB'),
    /** Arguments the code sees (WASI argv after the program name; `args` in JavaScript and Python). */
    args: z.array(z.string().max(256)).max(16),
    limits: JobLimits,
    /** How many providers must return the same output hash (1: unverified). */
    redundancy: z.number().int().min(1).max(MAX_REDUNDANCY),
    /** The most the whole job may cost, tie-breaker included. */
    maxPayment: AmountText.refine((a) => BigInt(a) > 0n, 'a job pays more than 0'),
    /** The highest price accepted, in CAESAR units per core-hour of measured CPU time. */
    maxPricePerCoreHour: AmountText,
    /** The privacy level the job needs: it runs only on assets shared at this level or a stricter one. */
    privacy: PrivacyLevel,
    /**
     * What the code may see of the world beyond its input. Without a grant, the clock is virtual (it starts
     * at `createdAt` and moves only as the code asks for it) and randomness is seeded by the job, so every
     * provider computes the same output.
     */
    grants: z.object({ clock: z.boolean(), random: z.boolean() }).strict(),
    createdAt: RecordTime,
    expiresAt: RecordTime,
  })
  .strict()
  .refine((s) => s.expiresAt > s.createdAt + s.limits.wallMs, 'a job expires after it could have run once')
  .refine((s) => s.expiresAt - s.createdAt <= MAX_JOB_LIFETIME_MS, 'a job expires within 24 hours')
  .refine(
    (s) => s.redundancy === 1 || (!s.grants.clock && !s.grants.random),
    'a job that reads the real clock or real randomness cannot be checked by redundancy; ask for 1 provider',
  )
export type JobSpec = z.infer<typeof JobSpec>

export const SignedJobSpec = z
  .object({ spec: JobSpec, submitterKey: Base64Text.max(4096), signature: Base64Text.max(4096) })
  .strict()
export type SignedJobSpec = z.infer<typeof SignedJobSpec>

export type JobSpecRefusal =
  'malformed' | 'oversized' | 'bad-signature' | 'wrong-key' | 'wrong-network' | 'expired'

export class JobSpecError extends Error {
  constructor(
    readonly code: JobSpecRefusal,
    message: string,
  ) {
    super(message)
    this.name = 'JobSpecError'
  }
}

export const jobSpecBytes = (spec: JobSpec): Uint8Array => signingBytes(JOB_SPEC_DOMAIN, spec)

/** Signs `spec` with the submitter's account key (whose address must be `spec.submitter`). */
export function signJobSpec(
  spec: JobSpec,
  account: { publicKey: Uint8Array; secretKey: Uint8Array },
): SignedJobSpec {
  const parsed = JobSpec.parse(spec)
  const signature = falcon1024Scheme.sign(jobSpecBytes(parsed), account.secretKey)
  return { spec: parsed, submitterKey: toBase64(account.publicKey), signature: toBase64(signature) }
}

export const encodeJobSpec = (signed: SignedJobSpec): Uint8Array => canonicalBytes(signed)

/** Bytes from the network to a signed spec: oversized input is refused before it is parsed. */
export function decodeJobSpec(bytes: Uint8Array): SignedJobSpec {
  const decoded = decodeRecordJson(bytes, SignedJobSpec, { name: 'job spec', maxBytes: MAX_JOB_SPEC_BYTES })
  if (!decoded.ok) throw new JobSpecError(decoded.code, decoded.message)
  return decoded.value
}

/**
 * Checks a signed spec: network and time first (cheap), then that the key is the submitter's (its address,
 * computed by `addressOfKey`, the ledger's address function), then the FALCON signature. Returns the spec
 * or throws JobSpecError naming the reason.
 */
export function verifyJobSpec(
  signed: SignedJobSpec,
  ctx: { networkId: string; now: number; addressOfKey: (publicKeyBase64: string) => string | null },
): JobSpec {
  const { spec } = signed
  if (spec.networkId !== ctx.networkId)
    throw new JobSpecError('wrong-network', 'the job is for another network')
  if (ctx.now >= spec.expiresAt)
    throw new JobSpecError('expired', `the job expired at ${new Date(spec.expiresAt).toISOString()}`)
  if (ctx.addressOfKey(signed.submitterKey) !== spec.submitter)
    throw new JobSpecError('wrong-key', `the spec is not signed with the key of account ${spec.submitter}`)
  switch (falconSignatureProblem(signed.submitterKey, signed.signature, jobSpecBytes(spec))) {
    case 'not-base64':
      throw new JobSpecError('malformed', 'the spec key or signature is not base64')
    case 'not-a-falcon-key':
      throw new JobSpecError('wrong-key', 'the spec carries no FALCON-1024 key')
    case 'bad-signature':
      throw new JobSpecError('bad-signature', 'the spec signature does not verify with the submitter key')
  }
  return spec
}

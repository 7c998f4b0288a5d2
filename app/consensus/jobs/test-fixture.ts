/**
 * Jobs for the ledger's tests: a spec, work receipts and job transactions, signed with real FALCON-1024
 * keys (generating one takes tens of milliseconds, so tests make a few and reuse them).
 */
import { toBase64 } from '../codec'
import type { ExecutionContext } from '../execute'
import { DEFAULT_PARAMS, type ChainParams } from '../params'
import { RECORDS_VERSION } from '../records/conventions'
import type { JobSpec } from '../records/job-spec'
import { signWorkReceipt, type SignedWorkReceipt, type WorkReceipt } from '../records/work-receipt'
import { DEFAULT_REWARD_SCHEDULE } from '../rewards/schedule'
import { falcon1024Scheme } from '../signature-scheme'
import type { LedgerState } from '../state'
import { addressOf, signTx, type SignedTx, type TxBody, type TxKindBody } from '../tx'

export const CHAIN = 'c'.repeat(64)
export const HOUR = 3600_000
export const T0 = Date.UTC(2026, 11, 1)
export const PROPOSER = 'ab'.repeat(20)
export const PARAMS: ChainParams = {
  ...DEFAULT_PARAMS,
  rewards: { ...DEFAULT_REWARD_SCHEDULE, epochBlocks: 10 },
}
export const PEERS = ['M', 'N', 'P', 'Q'].map(
  (c) => `12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXT${c}`,
)
export const HASH_A = 'a'.repeat(64)
export const HASH_B = 'b'.repeat(64)
/** 1,000,000 units a core-hour: one CPU-second costs 278 units (rounded up). */
export const PRICE = '1000000'

export type Keys = { publicKey: Uint8Array; secretKey: Uint8Array; address: string }
export const keysOf = (): Keys => {
  const keys = falcon1024Scheme.keygen()
  return { ...keys, address: addressOf(falcon1024Scheme, keys.publicKey) }
}

export function jobSpec(submitter: Keys, over: Partial<JobSpec> = {}): JobSpec {
  return {
    v: RECORDS_VERSION,
    networkId: CHAIN,
    jobId: '1'.repeat(64),
    submitter: submitter.address,
    submitterPeer: PEERS[3]!,
    runtime: 'wasm-wasi',
    codeHash: 'c'.repeat(64),
    codeBytes: 100,
    inputHash: 'd'.repeat(64),
    inputBytes: 0,
    args: [],
    limits: { millicores: 1000, memoryBytes: 64 * 2 ** 20, wallMs: 60_000, outputBytes: 1024 },
    redundancy: 2,
    maxPayment: '100000',
    maxPricePerCoreHour: PRICE,
    privacy: 'PublicNetwork',
    grants: { clock: false, random: false },
    createdAt: T0,
    expiresAt: T0 + HOUR,
    ...over,
  }
}

export function workReceipt(
  provider: Keys,
  peer: string,
  over: Partial<WorkReceipt> = {},
  jobId = '1'.repeat(64),
): SignedWorkReceipt {
  return signWorkReceipt(
    {
      v: RECORDS_VERSION,
      networkId: CHAIN,
      jobId,
      provider: peer,
      providerAccount: provider.address,
      runtime: 'wasm-wasi',
      status: 'ok',
      outputHash: HASH_A,
      outputBytes: 10,
      cpuMillis: 10_000,
      pricePerCoreHour: PRICE,
      startsAt: T0 + 1000,
      endsAt: T0 + 11_000,
      ...over,
    },
    provider,
  )
}

/** A job transaction's body without its envelope, which jobTx fills in. */
export type JobBody = Extract<TxKindBody, { kind: `job-${string}` }>

export function jobTx(state: LedgerState, from: Keys, body: JobBody): SignedTx {
  return signTx(
    {
      chainId: CHAIN,
      from: from.address,
      publicKey: toBase64(from.publicKey),
      nonce: state.account(from.address)?.nonce ?? 0,
      fee: '10',
      ...body,
    } as TxBody,
    falcon1024Scheme,
    from.secretKey,
  )
}

export const jobCtx: ExecutionContext = {
  chainId: CHAIN,
  params: PARAMS,
  scheme: falcon1024Scheme,
  isRecentAnchor: () => false,
}

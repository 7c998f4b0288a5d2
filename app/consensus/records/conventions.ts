/**
 * Signed records that the ledger encodes on behalf of other subsystems (leases, usage receipts, and the
 * records later subsystems add: certificates, orders, job specs) live in this folder, below every user,
 * and share one convention:
 *
 * - `v`: the records version, {@link RECORDS_VERSION}; a record of another version is refused.
 * - `networkId`: the network (the SHA-256 of its genesis) the record is valid on. The ledger's own
 *   messages (transactions, votes, blocks) carry the same value under Tendermint's name, `chainId`. A peer
 *   binding (./peer-binding.ts) alone names none: it is a fact about two keys of one node.
 * - `…Id`: a record's identity or the identity of what it names, 64 lowercase hex characters
 *   (`leaseId`, `assetId`).
 * - Peers by their libp2p peer id (`owner`, `holder`); accounts by their 40-hex address.
 * - `…At`: a time in whole milliseconds since the Unix epoch (UTC). A stretch of time is `startsAt`
 *   (included) to `endsAt` (excluded).
 * - Amounts as whole numbers in decimal strings (bigints travel as text).
 */
import { z } from 'zod'
import { HashText, NetworkIdText } from '../../../shared/schemas'

/** Version 2: the first version under this convention (version 1 named the same fields differently). */
export const RECORDS_VERSION = 2

export const RecordId = HashText
export const RecordNetworkId = NetworkIdText
/** Milliseconds since the Unix epoch; bounded so that arithmetic on it stays exact in a double. */
export const RecordTime = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER)

export type RecordDecodeFailure = { ok: false; code: 'malformed' | 'oversized'; message: string }

/**
 * Bytes from the network or disk to a record under `schema`: oversized input is refused before it is
 * read, then anything that is not UTF-8 JSON of the record's shape, naming the first wrong field.
 */
export function decodeRecordJson<T>(
  bytes: Uint8Array,
  schema: z.ZodType<T>,
  record: { name: string; maxBytes: number },
): { ok: true; value: T } | RecordDecodeFailure {
  if (bytes.length > record.maxBytes)
    return {
      ok: false,
      code: 'oversized',
      message: `a ${record.name} is at most ${record.maxBytes} bytes; this one is ${bytes.length}`,
    }
  let json: unknown
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes))
  } catch {
    return { ok: false, code: 'malformed', message: `a ${record.name} is UTF-8 JSON` }
  }
  const parsed = schema.safeParse(json)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const where = issue?.path.join('.') ?? ''
    return {
      ok: false,
      code: 'malformed',
      message: `${record.name} ${where}: ${issue?.message ?? 'invalid'}`,
    }
  }
  return { ok: true, value: parsed.data }
}

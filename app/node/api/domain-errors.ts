/**
 * Domain errors into the API's: subsystems throw their own errors (a ledger rule refused something, a
 * lease was refused); the API layer, and only it, says what they mean to a caller.
 */
import { ApiError, type ApiErrorCode } from '../../../shared/api'
import { AssetRequestError } from '../../assets'
import { WalletRequestError } from '../../caesar'
import { LeaseError, LedgerRejection, LedgerRequestError } from '../../consensus'
import { JobRequestError } from '../../jobs'

const REQUEST_KINDS: Record<LedgerRequestError['kind'], ApiErrorCode> = {
  'bad-request': 'BAD_REQUEST',
  'not-found': 'NOT_FOUND',
  busy: 'BUSY',
}

const ASSET_KINDS: Record<AssetRequestError['kind'], ApiErrorCode> = {
  'bad-request': 'BAD_REQUEST',
  'not-found': 'NOT_FOUND',
  unreachable: 'UNREACHABLE',
  busy: 'BUSY',
  internal: 'INTERNAL',
}

const JOB_KINDS: Record<JobRequestError['code'], ApiErrorCode> = {
  'bad-request': 'BAD_REQUEST',
  'not-found': 'NOT_FOUND',
  unreachable: 'UNREACHABLE',
  busy: 'BUSY',
  unavailable: 'BAD_REQUEST',
}

const WALLET_KINDS: Record<WalletRequestError['code'], ApiErrorCode> = {
  'bad-request': 'BAD_REQUEST',
  'not-found': 'NOT_FOUND',
  conflict: 'BAD_REQUEST',
  locked: 'BAD_REQUEST',
}

/** The API error a domain error stands for; null for anything that is not a known domain error. */
export function apiErrorOf(err: unknown): ApiError | null {
  if (err instanceof ApiError) return err
  if (err instanceof LedgerRejection || err instanceof LeaseError)
    return new ApiError('BAD_REQUEST', err.message, { cause: err })
  if (err instanceof LedgerRequestError)
    return new ApiError(REQUEST_KINDS[err.kind], err.message, { cause: err })
  if (err instanceof AssetRequestError)
    return new ApiError(ASSET_KINDS[err.kind], err.message, { cause: err })
  if (err instanceof JobRequestError) return new ApiError(JOB_KINDS[err.code], err.message, { cause: err })
  if (err instanceof WalletRequestError)
    return new ApiError(WALLET_KINDS[err.code], err.message, { cause: err })
  return null
}

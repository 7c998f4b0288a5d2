import { describe, expect, it } from 'vitest'
import { ApiError } from '../../../shared/api'
import { AssetRequestError } from '../../assets'
import { LeaseError, LedgerRejection, LedgerRequestError } from '../../consensus'
import { apiErrorOf } from './domain-errors'

describe('domain errors become the contract’s error codes in the API layer alone', () => {
  it('says what each domain error means to a caller, keeping its message and cause', () => {
    const cases: [Error, string][] = [
      [new LedgerRejection('insufficient-balance', 'account a has 1; needs 2'), 'BAD_REQUEST'],
      [new LeaseError('expired', 'the lease ended'), 'BAD_REQUEST'],
      [new LedgerRequestError('not-found', 'no block 9'), 'NOT_FOUND'],
      [new LedgerRequestError('busy', 'could not prove the asset now'), 'BUSY'],
      [new LedgerRequestError('bad-request', 'that is this node’s own address'), 'BAD_REQUEST'],
      [new AssetRequestError('unreachable', 'could not reach the owner'), 'UNREACHABLE'],
      [new AssetRequestError('not-found', 'no stored file'), 'NOT_FOUND'],
      [new AssetRequestError('internal', 'the record is damaged'), 'INTERNAL'],
    ]
    for (const [err, code] of cases) {
      const api = apiErrorOf(err)
      expect(api?.code).toBe(code)
      expect(api?.message).toBe(err.message)
      expect(api?.cause).toBe(err)
    }
  })

  it('passes an ApiError through and leaves anything else to be reported as internal', () => {
    const api = new ApiError('WRONG_NETWORK', 'another network')
    expect(apiErrorOf(api)).toBe(api)
    expect(apiErrorOf(new TypeError('a bug'))).toBeNull()
    expect(apiErrorOf('not an error')).toBeNull()
  })
})

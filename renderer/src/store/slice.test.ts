import { describe, expect, it } from 'vitest'
import { ApiError } from '../../../shared/api'
import { outcomeOf } from './slice'
import { toUiError } from './store'

describe('a form’s one-off call', () => {
  it('gives the value, or the classified reason it failed', async () => {
    const seen: string[] = []
    const failed = (err: unknown) => {
      const error = toUiError(err)
      seen.push(error.code)
      return error
    }
    expect(await outcomeOf(async () => 42, failed)).toEqual({ ok: true, value: 42 })
    expect(
      await outcomeOf(async () => {
        throw new ApiError('DISCONNECTED', 'link lost')
      }, failed),
    ).toEqual({ ok: false, message: 'link lost' })
    expect(seen).toEqual(['DISCONNECTED'])
  })
})

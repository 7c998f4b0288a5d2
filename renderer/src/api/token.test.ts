import { describe, expect, it } from 'vitest'
import { forgetToken, parseTokenFromHash, resolveToken, TOKEN_STORAGE_KEY } from './token'
import { webSocketUrl } from './connect'

const memoryStorage = () => {
  const items = new Map<string, string>()
  return {
    items,
    getItem: (k: string) => items.get(k) ?? null,
    setItem: (k: string, v: string) => void items.set(k, v),
    removeItem: (k: string) => void items.delete(k),
  }
}

describe('access token', () => {
  it('is read from the URL fragment, kept for reloads and removed from the visible URL', () => {
    const storage = memoryStorage()
    const replaced: string[] = []
    const token = resolveToken({
      hash: '#token=s3cr3t&view=peers',
      storage,
      replaceHash: (h) => replaced.push(h),
    })
    expect(token).toBe('s3cr3t')
    expect(storage.items.get(TOKEN_STORAGE_KEY)).toBe('s3cr3t')
    expect(replaced).toEqual(['#view=peers'])
  })

  it('comes from sessionStorage after a reload, and is absent when neither has it', () => {
    const storage = memoryStorage()
    storage.setItem(TOKEN_STORAGE_KEY, 'kept')
    const replaced: string[] = []
    expect(resolveToken({ hash: '', storage, replaceHash: (h) => replaced.push(h) })).toBe('kept')
    expect(replaced).toEqual([]) // nothing to scrub
    forgetToken(storage)
    expect(resolveToken({ hash: '#token=', storage, replaceHash: () => {} })).toBeNull()
  })

  it('parses fragments with or without the leading #', () => {
    expect(parseTokenFromHash('token=a%2Bb')).toEqual({ token: 'a+b', rest: '' })
    expect(parseTokenFromHash('#other=1')).toEqual({ token: null, rest: '#other=1' })
  })

  it('builds the WebSocket URL of the node that served the page', () => {
    expect(webSocketUrl({ protocol: 'http:', host: '127.0.0.1:7777' })).toBe('ws://127.0.0.1:7777/api/ws')
    expect(webSocketUrl({ protocol: 'https:', host: '[::1]:443' })).toBe('wss://[::1]:443/api/ws')
  })
})

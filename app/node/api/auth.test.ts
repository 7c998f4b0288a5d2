import { describe, it, expect } from 'vitest'
import { checkRequest, createAccessToken, originPolicy, tokensMatch } from './auth'

const PORT = 4747
const TOKEN = createAccessToken()
const policy = originPolicy('127.0.0.1', PORT)

describe('tokensMatch', () => {
  it('is true for equal tokens and false for different ones, whatever their lengths', () => {
    expect(tokensMatch(TOKEN, TOKEN)).toBe(true)
    expect(tokensMatch('', '')).toBe(true)
    expect(tokensMatch(TOKEN, TOKEN + 'x')).toBe(false)
    expect(tokensMatch(TOKEN.slice(0, -1), TOKEN)).toBe(false)
    expect(tokensMatch('', TOKEN)).toBe(false)
    expect(tokensMatch(TOKEN.toUpperCase(), TOKEN.toLowerCase())).toBe(
      TOKEN.toUpperCase() === TOKEN.toLowerCase(),
    )
    expect(tokensMatch('a'.repeat(10_000), TOKEN)).toBe(false)
  })

  it('makes a fresh 256-bit base64url token each time', () => {
    const a = createAccessToken()
    const b = createAccessToken()
    expect(a).not.toBe(b)
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/)
  })
})

describe('checkRequest', () => {
  const ownOrigin = `http://127.0.0.1:${PORT}`

  it('accepts a loopback host, our own origin and the right token', () => {
    for (const host of [`127.0.0.1:${PORT}`, `localhost:${PORT}`, `[::1]:${PORT}`, `LOCALHOST:${PORT}`]) {
      expect(checkRequest(policy, { host, origin: ownOrigin }, TOKEN, TOKEN), host).toEqual({ ok: true })
    }
    expect(
      checkRequest(policy, { host: `localhost:${PORT}`, origin: `http://localhost:${PORT}` }, TOKEN, TOKEN),
    ).toEqual({
      ok: true,
    })
  })

  it('accepts a request with no Origin (a non-browser client)', () => {
    expect(checkRequest(policy, { host: `127.0.0.1:${PORT}` }, TOKEN, TOKEN)).toEqual({ ok: true })
  })

  it('refuses a foreign or missing Host with 403 (DNS rebinding), even with the right token', () => {
    for (const host of [
      'evil.com:4747',
      'evil.com',
      `127.0.0.1:${PORT + 1}`,
      '127.0.0.1',
      `127.0.0.2:${PORT}`,
      '',
      undefined,
    ]) {
      const outcome = checkRequest(policy, { host, origin: ownOrigin }, TOKEN, TOKEN)
      expect(outcome.ok, String(host)).toBe(false)
      if (!outcome.ok) {
        expect(outcome.status).toBe(403)
        expect(outcome.reason).toMatch(/loopback/)
      }
    }
  })

  it('refuses a foreign Origin with 403, even with the right token', () => {
    for (const origin of [
      'http://evil.com',
      `http://evil.com:${PORT}`,
      `https://127.0.0.1:${PORT}`,
      `http://127.0.0.1:${PORT + 1}`,
      'null',
      '',
    ]) {
      const outcome = checkRequest(policy, { host: `127.0.0.1:${PORT}`, origin }, TOKEN, TOKEN)
      expect(outcome.ok, origin).toBe(false)
      if (!outcome.ok) {
        expect(outcome.status).toBe(403)
        expect(outcome.reason).toContain('may not use this node')
      }
    }
  })

  it('refuses a missing or wrong token with 401', () => {
    for (const token of [null, '', 'wrong', TOKEN + 'x', TOKEN.slice(1)]) {
      const outcome = checkRequest(policy, { host: `127.0.0.1:${PORT}`, origin: ownOrigin }, token, TOKEN)
      expect(outcome, String(token)).toEqual({
        ok: false,
        status: 401,
        reason: expect.stringContaining('access token'),
      })
    }
  })
})

describe('originPolicy', () => {
  it('adds the bound host, bracketing an IPv6 address', () => {
    const v6 = originPolicy('::1', 5000)
    expect(v6.hosts.has('[::1]:5000')).toBe(true)
    expect(v6.hosts.has('::1:5000')).toBe(false)
    const custom = originPolicy('192.168.1.10', 5000)
    expect(custom.hosts.has('192.168.1.10:5000')).toBe(true)
    expect(custom.origins.has('http://192.168.1.10:5000')).toBe(true)
    expect(custom.hosts.has('evil.com:5000')).toBe(false)
  })
})

/**
 * Who may use the local API: a caller holding the access token, talking to us by a loopback name
 * (Host check: stops DNS rebinding), from our own page or from no page at all (Origin check: stops other
 * web sites in the same browser from driving the node).
 */
import { randomBytes, timingSafeEqual, createHash } from 'node:crypto'

export const createAccessToken = (): string => randomBytes(32).toString('base64url')

/** Constant-time comparison of two tokens (hashed first so lengths do not leak either). */
export function tokensMatch(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest()
  const b = createHash('sha256').update(expected).digest()
  return timingSafeEqual(a, b)
}

export interface OriginPolicy {
  /** host:port forms we answer to. */
  hosts: Set<string>
  /** http://host:port origins whose pages may call us. */
  origins: Set<string>
}

export function originPolicy(boundHost: string, port: number): OriginPolicy {
  const names = new Set(['127.0.0.1', 'localhost', '[::1]'])
  names.add(boundHost.includes(':') && !boundHost.startsWith('[') ? `[${boundHost}]` : boundHost)
  const hosts = new Set([...names].map((n) => `${n}:${port}`))
  return { hosts, origins: new Set([...hosts].map((h) => `http://${h}`)) }
}

export type AuthOutcome = { ok: true } | { ok: false; status: 401 | 403; reason: string }

export function checkRequest(
  policy: OriginPolicy,
  headers: { host?: string | undefined; origin?: string | undefined },
  token: string | null,
  expectedToken: string,
): AuthOutcome {
  if (headers.host == null || !policy.hosts.has(headers.host.toLowerCase())) {
    return {
      ok: false,
      status: 403,
      reason: 'requests must be addressed to the node by its loopback address',
    }
  }
  if (headers.origin != null && !policy.origins.has(headers.origin.toLowerCase())) {
    return { ok: false, status: 403, reason: `pages from ${headers.origin} may not use this node` }
  }
  if (token == null || !tokensMatch(token, expectedToken)) {
    return {
      ok: false,
      status: 401,
      reason: 'missing or wrong access token; open the URL the node printed at start',
    }
  }
  return { ok: true }
}

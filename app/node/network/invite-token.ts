/**
 * The token an invite carries: proof that the inviting node made this invite, for this network, until
 * a given time. Only the inviting node redeems it (the joiner dials the peer the invite names), so it
 * needs no signature: an HMAC under a key only that node can compute, derived from its FALCON secret key
 * (sealed at rest with the identity). It keeps invites short. Whoever holds the invite can join until it
 * expires, which is what an invite has always meant; the inviting node turns it into a membership grant
 * for the joiner's peer id and FALCON key (./credential.ts).
 */
import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto'
import { canonicalBytes } from '../../consensus'

/** How long an invite can be used. */
export const INVITE_LIFETIME_MS = 7 * 24 * 3600 * 1000
export const TOKEN_ID_BYTES = 16
export const TOKEN_MAC_BYTES = 16
const MAC_DOMAIN = 'hypermesh/invite-token/v2\0'

export interface InviteToken {
  /** Random, 32 hex characters: tells one invite from another in the inviting node's log. */
  tokenId: string
  /** The invite is refused from this time on (ms since the Unix epoch). */
  endsAt: number
  /** 32 hex characters. */
  mac: string
}

/** What a token vouches for: the network it admits to (by id and the name the invite shows), and its maker. */
export interface InviteScope {
  networkId: string
  networkName: string
  issuer: string
}

/** The node's invite key, derived from its FALCON secret key: nothing to store, nothing new to lose. */
export const inviteKey = (falconSecretKey: Uint8Array): Uint8Array =>
  new Uint8Array(hkdfSync('sha256', falconSecretKey, new Uint8Array(0), 'hypermesh/invite-mac/v2', 32))

function macOf(key: Uint8Array, scope: InviteScope, tokenId: string, endsAt: number): Buffer {
  const body = canonicalBytes({ ...scope, tokenId, endsAt })
  return createHmac('sha256', key).update(MAC_DOMAIN).update(body).digest().subarray(0, TOKEN_MAC_BYTES)
}

export function makeInviteToken(key: Uint8Array, scope: InviteScope, now = Date.now()): InviteToken {
  const tokenId = randomBytes(TOKEN_ID_BYTES).toString('hex')
  const endsAt = now + INVITE_LIFETIME_MS
  return { tokenId, endsAt, mac: macOf(key, scope, tokenId, endsAt).toString('hex') }
}

/** Whether `token` was made with `key` for exactly this scope (in constant time). Says nothing of expiry. */
export function inviteTokenGenuine(key: Uint8Array, token: InviteToken, scope: InviteScope): boolean {
  if (!/^[0-9a-f]{32}$/.test(token.mac) || !/^[0-9a-f]{32}$/.test(token.tokenId)) return false
  return timingSafeEqual(macOf(key, scope, token.tokenId, token.endsAt), Buffer.from(token.mac, 'hex'))
}

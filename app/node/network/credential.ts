/**
 * Membership credentials: what a node shows to prove that it is a member of a network.
 *
 * A credential is a chain of at most {@link MAX_CHAIN} grants. Each grant names a network, a member (peer
 * id and FALCON-1024 key), its issuer and the time it is valid, and is signed with FALCON-1024:
 *
 * - the first by a root of the network, a key the network trusts (./trust-roots.ts: the genesis creator,
 *   the genesis validators, and the active validators on the ledger);
 * - every later one by the member the grant before it names, with the key that grant names;
 * - the last names the credential's holder, whose connection must have proved that key (STOQ).
 *
 * So any member can admit another (an invite is redeemed by the member who made it), every admission
 * traces back to a root, a grant never outlives its issuer's, and no chain grows past MAX_CHAIN: a root
 * renews members' credentials as one grant. A root needs no credential: its key and peer id are the proof.
 *
 * Field names follow the records convention (app/consensus/records/conventions.ts).
 */
import { createHash, randomBytes } from 'node:crypto'
import { LRUCache } from 'lru-cache'
import { z } from 'zod'
import { NetworkIdText, PeerIdText } from '../../../shared/schemas'
import {
  canonicalBytes,
  falcon1024Scheme,
  fromBase64,
  HashText,
  RECORDS_VERSION,
  signingBytes,
  toBase64,
} from '../../consensus'

const GRANT_DOMAIN = 'hypermesh/membership-grant/v2'
export const MAX_CHAIN = 4
const DAY = 24 * 3600 * 1000
/** How long a grant lasts at most (a member's last is renewed by a root it meets, long before). */
export const GRANT_LIFETIME_MS = 30 * DAY
/** A credential with less than this left is renewed by whichever member can give a better one. */
export const RENEW_WITHIN_MS = 15 * DAY
/** Clocks differ: a grant is taken this long before it starts. */
const CLOCK_SLACK_MS = 5 * 60_000
const Base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'not base64')
const Time = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER)

export const MembershipGrant = z
  .object({
    v: z.literal(RECORDS_VERSION),
    networkId: NetworkIdText,
    /** Random: tells one grant from another in logs. */
    grantId: HashText,
    member: PeerIdText,
    /** The member's FALCON-1024 public key, base64. */
    memberKey: Base64.max(4096),
    issuer: PeerIdText,
    startsAt: Time,
    endsAt: Time,
  })
  .strict()
  .refine((g) => g.endsAt > g.startsAt, 'a grant ends after it starts')
export type MembershipGrant = z.infer<typeof MembershipGrant>

export const SignedGrant = z.object({ grant: MembershipGrant, signature: Base64.max(4096) }).strict()
export type SignedGrant = z.infer<typeof SignedGrant>

/** Root-issued grant first, the holder's own grant last; empty for a root. */
export const Credential = z.array(SignedGrant).max(MAX_CHAIN)
export type Credential = z.infer<typeof Credential>

/** The keys a network trusts to admit members: each root's FALCON keys (base64), by peer id. */
export interface TrustRoots {
  keysOf(peerId: string): readonly string[]
}

/** FALCON-1024 verification, off the event loop where the node has worker threads; false for junk. */
export type FalconVerify = (
  signature: Uint8Array,
  message: Uint8Array,
  publicKey: Uint8Array,
) => Promise<boolean>

export const inlineFalconVerify: FalconVerify = async (signature, message, publicKey) =>
  falcon1024Scheme.verify(signature, message, publicKey)

export type CredentialRefusalCode =
  | 'no-credential'
  | 'wrong-network'
  | 'not-yet-valid'
  | 'expired'
  | 'broken-chain'
  | 'not-the-holder'
  | 'not-the-holders-key'
  | 'untrusted-root'
  | 'bad-signature'
  | 'too-long'

export interface CredentialRefusal {
  code: CredentialRefusalCode
  message: string
}

export interface CredentialCheck {
  networkId: string
  roots: TrustRoots
  /** The peer presenting the credential, as its connection authenticated it. */
  holder: string
  /**
   * FALCON keys (base64) the holder proved in STOQ handshakes with this node. Null on a classical
   * connection (a network whose genesis allows them): then nothing can show the holder's key, and a
   * root cannot prove itself.
   */
  holderKeys: readonly string[] | null
  now: number
  verify: FalconVerify
  /** Grants already verified; each is checked once. */
  verified?: VerifiedGrants
}

/** Signatures already checked, by grant and signer key. */
export class VerifiedGrants {
  private readonly seen = new LRUCache<string, true>({ max: 4096 })
  has(key: string): boolean {
    return this.seen.has(key)
  }
  add(key: string): void {
    this.seen.set(key, true)
  }
}

/** The bytes a grant's issuer signs (domain-separated). */
export const grantBytes = (grant: MembershipGrant): Uint8Array => signingBytes(GRANT_DOMAIN, grant)
const verdictKey = (signed: SignedGrant, signerKey: string): string =>
  createHash('sha256').update(canonicalBytes(signed)).update(signerKey).digest('hex')

/**
 * The FALCON key (base64) a credential that holds speaks for: the one its last grant names, or for a
 * root, the root key its holder proved.
 */
export function credentialKey(
  credential: Credential,
  check: Pick<CredentialCheck, 'roots' | 'holder' | 'holderKeys'>,
): string | undefined {
  const leaf = credential.at(-1)?.grant
  if (leaf != null) return leaf.memberKey
  const rootKeys = check.roots.keysOf(check.holder)
  return check.holderKeys?.find((key) => rootKeys.includes(key))
}

/** When a credential stops being valid: its earliest grant end; never for a root's empty one. */
export const credentialEndsAt = (credential: Credential): number =>
  credential.reduce((end, { grant }) => Math.min(end, grant.endsAt), Number.POSITIVE_INFINITY)

/**
 * Why `credential` does not make its holder a member of `check.networkId` now, or null when it does.
 * Everything that costs nothing comes before the first signature is checked, and the root's signature is
 * checked first: a stranger's junk costs at most one verification, and a verified grant none again.
 */
export async function credentialRefusal(
  credential: Credential,
  check: CredentialCheck,
): Promise<CredentialRefusal | null> {
  const refuse = (code: CredentialRefusalCode, message: string): CredentialRefusal => ({ code, message })
  if (credential.length === 0) {
    const rootKeys = check.roots.keysOf(check.holder)
    if (check.holderKeys?.some((key) => rootKeys.includes(key)) === true) return null
    return refuse('no-credential', 'no credential, and not a root of this network')
  }
  for (const [i, { grant }] of credential.entries()) {
    if (grant.networkId !== check.networkId) return refuse('wrong-network', 'a grant is for another network')
    if (grant.startsAt > check.now + CLOCK_SLACK_MS)
      return refuse('not-yet-valid', 'a grant is not valid yet')
    if (grant.endsAt <= check.now)
      return refuse('expired', `a grant expired at ${new Date(grant.endsAt).toISOString()}`)
    // No grant is issued for longer, so none lasts longer: a leaked or departed issuer's grants run out.
    if (grant.endsAt - grant.startsAt > GRANT_LIFETIME_MS)
      return refuse('too-long', 'a grant lasts longer than the 30 days a grant may')
    const previous = credential[i - 1]?.grant
    if (previous != null && grant.issuer !== previous.member)
      return refuse('broken-chain', `grant ${i + 1} is not issued by the member grant ${i} names`)
  }
  const leaf = credential.at(-1)!.grant
  if (leaf.member !== check.holder) return refuse('not-the-holder', 'the credential is for another peer')
  if (check.holderKeys != null && !check.holderKeys.includes(leaf.memberKey))
    return refuse('not-the-holders-key', 'the credential names a FALCON key this peer has not proved')
  const rootKeys = check.roots.keysOf(credential[0]!.grant.issuer)
  if (rootKeys.length === 0)
    return refuse('untrusted-root', 'the first grant is not by a root of this network')
  for (const [i, signed] of credential.entries()) {
    const signers = i === 0 ? rootKeys : [credential[i - 1]!.grant.memberKey]
    if (!(await signedByOneOf(signed, signers, check)))
      return refuse('bad-signature', `grant ${i + 1} is not signed by its issuer`)
  }
  return null
}

async function signedByOneOf(
  signed: SignedGrant,
  keys: readonly string[],
  check: CredentialCheck,
): Promise<boolean> {
  let signature: Uint8Array
  try {
    signature = fromBase64(signed.signature)
  } catch {
    return false
  }
  const message = grantBytes(signed.grant)
  for (const key of keys) {
    const cacheKey = verdictKey(signed, key)
    if (check.verified?.has(cacheKey) === true) return true
    let publicKey: Uint8Array
    try {
      publicKey = fromBase64(key)
    } catch {
      continue
    }
    if (await check.verify(signature, message, publicKey)) {
      check.verified?.add(cacheKey)
      return true
    }
  }
  return false
}

export interface GrantIssuer {
  networkId: string
  /** This node: its peer id, its own credential on the network (empty for a root), and its FALCON signer. */
  peerId: string
  credential: Credential
  sign(message: Uint8Array): Promise<Uint8Array>
}

/**
 * The credential this node can give `member` (holder of `memberKey`): its own chain and one grant more,
 * ending when its own does at the latest. Null when it can give none worth having (its chain is as long
 * as a chain may be, or ends within the hour).
 */
export async function issueCredential(
  issuer: GrantIssuer,
  member: { peerId: string; falconKey: string },
  now = Date.now(),
): Promise<Credential | null> {
  if (issuer.credential.length >= MAX_CHAIN) return null
  const endsAt = Math.min(now + GRANT_LIFETIME_MS, credentialEndsAt(issuer.credential))
  if (endsAt < now + 3600_000) return null
  const grant = MembershipGrant.parse({
    v: RECORDS_VERSION,
    networkId: issuer.networkId,
    grantId: randomBytes(32).toString('hex'),
    member: member.peerId,
    memberKey: member.falconKey,
    issuer: issuer.peerId,
    startsAt: now,
    endsAt,
  })
  const signature = toBase64(await issuer.sign(grantBytes(grant)))
  return [...issuer.credential, { grant, signature }]
}

/** Whether `offered` is worth taking over `current`: it lasts a day longer, or is shorter and no sooner over. */
export function betterCredential(current: Credential | null, offered: Credential): boolean {
  if (current == null) return true
  const [now, then] = [credentialEndsAt(current), credentialEndsAt(offered)]
  return then > now + DAY || (offered.length < current.length && then >= now)
}

/** Whether a listener should offer `current`'s holder a new credential it can issue (shorter, or renewed). */
export function wantsRenewal(current: Credential, issuerLength: number, now: number): boolean {
  if (current.length === 0) return false
  return issuerLength + 1 < current.length || credentialEndsAt(current) - now < RENEW_WITHIN_MS
}

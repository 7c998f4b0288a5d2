import fc from 'fast-check'
import { beforeAll, describe, expect, it } from 'vitest'
import { falcon1024Scheme } from '../../consensus'
import { falconPeer as peer, type FalconPeer as Peer } from '../../../test/support/falcon-peer'
import {
  betterCredential,
  Credential,
  credentialEndsAt,
  credentialRefusal,
  GRANT_LIFETIME_MS,
  grantBytes,
  inlineFalconVerify,
  issueCredential,
  MAX_CHAIN,
  VerifiedGrants,
  type CredentialCheck,
  type TrustRoots,
} from './credential'

const NETWORK = 'ab'.repeat(32)
const T0 = Date.UTC(2026, 5, 1)

const sign = (p: Peer) => async (message: Uint8Array) => falcon1024Scheme.sign(message, p.keys.secretKey)
const rootsOf = (...roots: Peer[]): TrustRoots => ({
  keysOf: (id) => roots.filter((r) => r.peerId === id).map((r) => r.key),
})

describe('membership credentials', () => {
  let root: Peer
  let alice: Peer
  let bob: Peer
  let carol: Peer
  let outsider: Peer
  /** root → alice → bob */
  let aliceCredential: Credential
  let bobCredential: Credential

  beforeAll(async () => {
    ;[root, alice, bob, carol, outsider] = await Promise.all([peer(), peer(), peer(), peer(), peer()])
    const issuer = (p: Peer, credential: Credential) => ({
      networkId: NETWORK,
      peerId: p.peerId,
      credential,
      sign: sign(p),
    })
    aliceCredential = (await issueCredential(
      issuer(root, []),
      { peerId: alice.peerId, falconKey: alice.key },
      T0,
    ))!
    bobCredential = (await issueCredential(
      issuer(alice, aliceCredential),
      { peerId: bob.peerId, falconKey: bob.key },
      T0 + 1000,
    ))!
  })

  const check = (holder: Peer, over: Partial<CredentialCheck> = {}): CredentialCheck => ({
    networkId: NETWORK,
    roots: rootsOf(root),
    holder: holder.peerId,
    holderKeys: [holder.key],
    now: T0 + 60_000,
    verify: inlineFalconVerify,
    ...over,
  })
  const code = async (credential: Credential, c: CredentialCheck) =>
    (await credentialRefusal(credential, c))?.code ?? null

  it('admits a member by a chain from a root, and a root by its key alone', async () => {
    expect(await code(aliceCredential, check(alice))).toBeNull()
    expect(await code(bobCredential, check(bob))).toBeNull()
    expect(await code([], check(root))).toBeNull()
    expect(bobCredential).toHaveLength(2)
    // A grant ends no later than its issuer's.
    expect(credentialEndsAt(bobCredential)).toBe(credentialEndsAt(aliceCredential))
    expect(credentialEndsAt(aliceCredential)).toBe(T0 + GRANT_LIFETIME_MS)
  })

  it('refuses an outsider with nothing, with its own key named a root, or showing another’s credential', async () => {
    expect(await code([], check(outsider))).toBe('no-credential')
    // Alice's credential is bound to her peer id and key.
    expect(await code(aliceCredential, check(outsider))).toBe('not-the-holder')
    expect(await code(aliceCredential, check(alice, { holderKeys: [outsider.key] }))).toBe(
      'not-the-holders-key',
    )
    // A root's peer id with another key is no root.
    expect(await code([], check(root, { holderKeys: [outsider.key] }))).toBe('no-credential')
    // On a classical connection no key is proved, so a root cannot prove itself.
    expect(await code([], check(root, { holderKeys: null }))).toBe('no-credential')
  })

  it('refuses a grant the outsider signed itself, in the root’s name or its own', async () => {
    const selfMade = (await issueCredential(
      { networkId: NETWORK, peerId: root.peerId, credential: [], sign: sign(outsider) },
      { peerId: outsider.peerId, falconKey: outsider.key },
      T0,
    ))!
    expect(await code(selfMade, check(outsider))).toBe('bad-signature')
    const ownRoot = (await issueCredential(
      { networkId: NETWORK, peerId: outsider.peerId, credential: [], sign: sign(outsider) },
      { peerId: outsider.peerId, falconKey: outsider.key },
      T0,
    ))!
    expect(await code(ownRoot, check(outsider))).toBe('untrusted-root')
  })

  it('refuses a chain that is broken, too long, for another network, expired or not yet valid', async () => {
    // Carol's grant issued by Bob, spliced after Alice's: Alice's grant does not name Bob.
    const fromBob = (await issueCredential(
      { networkId: NETWORK, peerId: bob.peerId, credential: bobCredential, sign: sign(bob) },
      { peerId: carol.peerId, falconKey: carol.key },
      T0 + 2000,
    ))!
    expect(await code(fromBob, check(carol))).toBeNull()
    const spliced = [aliceCredential[0]!, fromBob[2]!]
    expect(await code(spliced, check(carol))).toBe('broken-chain')
    expect(Credential.safeParse([...fromBob, ...fromBob]).success).toBe(false)
    expect(await code(bobCredential, check(bob, { networkId: 'cd'.repeat(32) }))).toBe('wrong-network')
    expect(await code(bobCredential, check(bob, { now: credentialEndsAt(bobCredential) }))).toBe('expired')
    expect(await code(bobCredential, check(bob, { now: T0 - 3600_000 }))).toBe('not-yet-valid')
  })

  it('refuses a grant altered after signing: another end, another member', async () => {
    const [first] = aliceCredential
    // (A longer life than the 30 days is refused before any signature is checked: 'too-long', below.)
    const moved = [{ ...first!, grant: { ...first!.grant, endsAt: first!.grant.endsAt - 1 } }]
    expect(await code(moved, check(alice))).toBe('bad-signature')
    const other = [
      { ...first!, grant: { ...first!.grant, member: outsider.peerId, memberKey: outsider.key } },
    ]
    expect(await code(other, check(outsider))).toBe('bad-signature')
  })

  it('stops at MAX_CHAIN: a member at the end of the longest chain cannot admit anyone', async () => {
    let credential: Credential = []
    let issuer = root
    for (let i = 0; i < MAX_CHAIN; i++) {
      const next = await peer()
      credential = (await issueCredential(
        { networkId: NETWORK, peerId: issuer.peerId, credential, sign: sign(issuer) },
        { peerId: next.peerId, falconKey: next.key },
        T0,
      ))!
      issuer = next
    }
    expect(credential).toHaveLength(MAX_CHAIN)
    expect(await code(credential, check(issuer))).toBeNull()
    const further = await issueCredential(
      { networkId: NETWORK, peerId: issuer.peerId, credential, sign: sign(issuer) },
      { peerId: carol.peerId, falconKey: carol.key },
      T0,
    )
    expect(further).toBeNull()
  })

  it('verifies each grant once, and a stranger’s junk at most once', async () => {
    let verifications = 0
    const counting: CredentialCheck['verify'] = async (...args) => {
      verifications++
      return inlineFalconVerify(...args)
    }
    const verified = new VerifiedGrants()
    expect(await code(bobCredential, check(bob, { verify: counting, verified }))).toBeNull()
    expect(verifications).toBe(2)
    expect(await code(bobCredential, check(bob, { verify: counting, verified }))).toBeNull()
    expect(verifications).toBe(2)
    const forged = [{ ...bobCredential[0]!, signature: bobCredential[1]!.signature }, bobCredential[1]!]
    verifications = 0
    expect(await code(forged, check(bob, { verify: counting }))).toBe('bad-signature')
    expect(verifications).toBe(1)
  })

  it('refuses a grant that lasts longer than a grant may, though its issuer signed it', async () => {
    const byRoot = { networkId: NETWORK, peerId: root.peerId, credential: [], sign: sign(root) }
    const issued = await issueCredential(byRoot, { peerId: carol.peerId, falconKey: carol.key }, T0)
    expect(await code(issued!, check(carol))).toBeNull()
    const grant = { ...issued![0]!.grant, endsAt: T0 + GRANT_LIFETIME_MS + 1 }
    const signature = Buffer.from(await sign(root)(grantBytes(grant))).toString('base64')
    expect(await code([{ grant, signature }], check(carol))).toBe('too-long')
  })

  it('takes a renewal only when it lasts a day longer or is shorter and no sooner over', () => {
    expect(betterCredential(null, bobCredential)).toBe(true)
    // Shorter and ending at the same time: better; longer and no later: not.
    expect(betterCredential(bobCredential, aliceCredential)).toBe(true)
    expect(betterCredential(aliceCredential, bobCredential)).toBe(false)
    const later = [
      { ...aliceCredential[0]!, grant: { ...aliceCredential[0]!.grant, endsAt: T0 + 2 * GRANT_LIFETIME_MS } },
    ]
    expect(betterCredential(bobCredential, later)).toBe(true)
  })

  it('never accepts a credential with any signature byte changed (generated input)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.integer({ min: 1, max: 255 }), fc.boolean(), async (at, flip, second) => {
        const index = second ? 1 : 0
        const bytes = Buffer.from(bobCredential[index]!.signature, 'base64')
        bytes[at % bytes.length]! ^= flip
        const altered = bobCredential.map((g, i) =>
          i === index ? { ...g, signature: bytes.toString('base64') } : g,
        )
        return (await code(altered, check(bob))) === 'bad-signature'
      }),
      { numRuns: 40 },
    )
  })
})

/**
 * Issue 17, item 1: membership is proved, not claimed. A listener checks a caller's proof before it says
 * anything of its network; an outsider that echoes the network id learns nothing and is not admitted.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import pino from 'pino'
import { beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createDevnetGenesis } from '../../consensus'
import { inlineFalconSigner } from '../../stoq'
import { falconPeer as node, type FalconPeer as Node } from '../../../test/support/falcon-peer'
import { databasePath, openDatabase } from '../storage/database'
import { Admission } from './admission'
import { credentialRefusal, inlineFalconVerify, type Credential } from './credential'
import { inviteKey } from './invite-token'
import type { Hello } from './membership-protocol'
import { NetworkStore, type StoredNetwork } from './network-store'
import { trustRoots } from './trust-roots'

const SPACE = { root: 'ab'.repeat(32), leavesLog2: 16 }

/** A node's admission desk on a fresh database, with the keys each peer "proved" set by the test. */
function desk(self: Node, proven: Map<string, string[]>, pinned = new Map<string, string>()) {
  const store = new NetworkStore(openDatabase(databasePath(mkdtempSync(join(tmpdir(), 'hm-admission-')))))
  const warnings: string[] = []
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      const line = JSON.parse(chunk.toString()) as { level: number; msg: string }
      if (line.level === 40) warnings.push(line.msg)
      done()
    },
  })
  const admission = new Admission({
    self: self.peerId,
    falcon: inlineFalconSigner(self.keys),
    inviteKey: inviteKey(self.keys.secretKey),
    provenKeys: (peer) => proven.get(peer) ?? [],
    store,
    ledgerRoots: () => [],
    pinKey: (peer, key) => void pinned.set(peer, key),
    log: pino({ level: 'info' }, sink),
  })
  return { admission, store, warnings }
}

describe('admission to a network', () => {
  let root: Node
  let member: Node
  let outsider: Node
  let network: StoredNetwork
  let other: StoredNetwork
  let proven: Map<string, string[]>
  let listener: ReturnType<typeof desk>
  const noMembers = async () => [
    { peerId: '12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN', addrs: [] },
  ]

  beforeAll(async () => {
    ;[root, member, outsider] = await Promise.all([node(), node(), node()])
  })
  beforeEach(() => {
    proven = new Map([
      [root.peerId, [root.key]],
      [member.peerId, [member.key]],
      [outsider.peerId, [outsider.key]],
    ])
    listener = desk(root, proven)
    const genesis = createDevnetGenesis({
      name: 'Root net',
      peerId: root.peerId,
      falconPublicKey: root.keys.publicKey,
      space: SPACE,
    })
    network = listener.store.saveNetwork(genesis, true)
    const otherGenesis = createDevnetGenesis({
      name: 'Other',
      peerId: member.peerId,
      falconPublicKey: member.keys.publicKey,
      space: SPACE,
    })
    other = listener.store.saveNetwork(otherGenesis, false)
  })

  const stoq = (n: Node) => ({ peer: n.peerId, classical: false })
  const hello = (over: Partial<Hello> = {}): Hello => ({
    type: 'hello',
    networkId: network.networkId,
    credential: [],
    ...over,
  })
  /** Redeems an invite of the root's as `who`, and returns the credential it was given. */
  async function redeem(who: Node): Promise<Credential> {
    const token = listener.admission.makeInvite(network)
    const { answer, admitted } = await listener.admission.answer(
      hello({ invite: { networkName: network.name, token } }),
      stoq(who),
      network,
      noMembers,
    )
    expect(admitted).toBe(true)
    if (answer.type !== 'welcome' || answer.grant == null) throw new Error('no credential given')
    return answer.grant
  }

  it('tells an outsider that echoes the network id nothing: no genesis, no members, not admitted', async () => {
    const { answer, admitted } = await listener.admission.answer(hello(), stoq(outsider), network, noMembers)
    expect(admitted).toBe(false)
    expect(answer).toEqual({ type: 'refused', reason: 'not-admitted', message: expect.any(String) as string })
    expect(JSON.stringify(answer)).not.toContain(network.networkId)
    expect(JSON.stringify(answer)).not.toContain('Root net')
  })

  it('answers a hello for another network exactly as one without proof: no oracle of which network', async () => {
    const asked = await listener.admission.answer(
      hello({ networkId: other.networkId }),
      stoq(outsider),
      network,
      noMembers,
    )
    const bare = await listener.admission.answer(hello(), stoq(member), network, noMembers)
    expect(asked.answer).toEqual(bare.answer)
  })

  it('admits a root by its key, and welcomes it with the genesis, members and its own proof', async () => {
    const self = desk(member, proven)
    self.store.saveNetwork(network.genesis, false)
    const { answer, admitted } = await listener.admission.answer(hello(), stoq(root), network, noMembers)
    expect(admitted).toBe(true)
    expect(answer).toMatchObject({ type: 'welcome', networkId: network.networkId, credential: [] })
    if (answer.type !== 'welcome') throw new Error('refused')
    // The dialer checks the listener's proof in turn.
    expect(await self.admission.acceptWelcome(answer, stoq(root), network.networkId, network, false)).toEqual(
      {
        ok: true,
        grant: null,
      },
    )
    expect(
      await self.admission.acceptWelcome(answer, stoq(outsider), network.networkId, network, false),
    ).toMatchObject({
      ok: false,
    })
  })

  it('keeps no credential a listener gives it unless it holds: junk cannot replace a good one', async () => {
    const memberCredential = await redeem(member)
    const self = desk(member, proven)
    self.store.saveNetwork(network.genesis, false)
    const { answer } = await listener.admission.answer(hello(), stoq(root), network, noMembers)
    if (answer.type !== 'welcome') throw new Error('refused')
    const accept = (grant: Credential) =>
      self.admission.acceptWelcome({ ...answer, grant }, stoq(root), network.networkId, network, false)
    // A grant for this node that lasts a day longer, as betterCredential would take, but signed by nobody.
    const leaf = memberCredential.at(-1)!
    const longer = { ...leaf.grant, endsAt: leaf.grant.endsAt + 86_400_000 }
    expect(await accept([{ grant: longer, signature: leaf.signature }])).toEqual({ ok: true, grant: null })
    expect(self.warnings.some((w) => /a credential that does not hold/.test(w))).toBe(true)
    expect(await accept(memberCredential)).toEqual({ ok: true, grant: memberCredential })
  })

  it('pins a member’s key when it is admitted, and nobody’s when it is refused', async () => {
    const pinned = new Map<string, string>()
    listener = desk(root, proven, pinned)
    listener.store.saveNetwork(network.genesis, true)
    await listener.admission.answer(hello(), stoq(outsider), network, noMembers)
    expect(pinned.size).toBe(0)
    await redeem(member)
    await listener.admission.answer(hello(), stoq(root), network, noMembers)
    expect(pinned).toEqual(
      new Map([
        [member.peerId, member.key],
        [root.peerId, root.key],
      ]),
    )
  })

  it('turns its own invite into a credential for the redeemer’s proved key, which admits it afterwards', async () => {
    const credential = await redeem(member)
    expect(credential).toHaveLength(1)
    expect(credential[0]!.grant).toMatchObject({
      member: member.peerId,
      memberKey: member.key,
      issuer: root.peerId,
    })
    const refusal = await credentialRefusal(credential, {
      networkId: network.networkId,
      roots: trustRoots(network.genesis),
      holder: member.peerId,
      holderKeys: [member.key],
      now: Date.now(),
      verify: inlineFalconVerify,
    })
    expect(refusal).toBeNull()
    const again = await listener.admission.answer(hello({ credential }), stoq(member), network, noMembers)
    expect(again.admitted).toBe(true)
    // The same credential shown by the outsider admits nothing.
    const stolen = await listener.admission.answer(hello({ credential }), stoq(outsider), network, noMembers)
    expect(stolen.admitted).toBe(false)
  })

  it('refuses an altered, expired or someone else’s invite, and says when its maker left the network', async () => {
    const token = listener.admission.makeInvite(network)
    const ask = (over: Partial<Hello>, who = outsider) =>
      listener.admission.answer(hello(over), stoq(who), network, noMembers).then(({ answer }) => answer)
    const renamed = await ask({ invite: { networkName: 'Not root net', token } })
    expect(renamed).toMatchObject({ type: 'refused', reason: 'invite-invalid' })
    const forgedMac = { ...token, mac: '00'.repeat(16) }
    expect(await ask({ invite: { networkName: network.name, token: forgedMac } })).toMatchObject({
      reason: 'invite-invalid',
    })
    const longer = { ...token, endsAt: token.endsAt + 1 }
    expect(await ask({ invite: { networkName: network.name, token: longer } })).toMatchObject({
      reason: 'invite-invalid',
    })
    // An invite another node made (its key is not this node's).
    const elsewhere = desk(member, proven).admission.makeInvite(network)
    expect(await ask({ invite: { networkName: network.name, token: elsewhere } })).toMatchObject({
      reason: 'invite-invalid',
    })
    const expired = listener.admission.makeInvite(network, Date.now() - 8 * 24 * 3600_000)
    expect(await ask({ invite: { networkName: network.name, token: expired } })).toMatchObject({
      reason: 'invite-expired',
    })
    // The root has moved to another network since it made the invite.
    const moved = await listener.admission.answer(
      hello({ invite: { networkName: network.name, token } }),
      stoq(outsider),
      other,
      noMembers,
    )
    expect(moved.answer).toMatchObject({ reason: 'invite-left' })
    // Over classical Noise no FALCON key is proved, so there is nothing to admit.
    const classical = await listener.admission.answer(
      hello({ invite: { networkName: network.name, token } }),
      { peer: outsider.peerId, classical: true },
      network,
      noMembers,
    )
    expect(classical.answer).toMatchObject({ reason: 'cannot-issue' })
  })

  it('lets a member admit others, chained to its own credential, and a root shorten the chain', async () => {
    const memberCredential = await redeem(member)
    const memberDesk = desk(member, proven)
    memberDesk.store.saveNetwork(network.genesis, false)
    memberDesk.store.saveCredential(network.networkId, memberCredential)
    const token = memberDesk.admission.makeInvite(network)
    const { answer } = await memberDesk.admission.answer(
      hello({ invite: { networkName: network.name, token } }),
      stoq(outsider),
      network,
      noMembers,
    )
    if (answer.type !== 'welcome' || answer.grant == null) throw new Error('not admitted')
    expect(answer.grant).toHaveLength(2)
    expect(answer.credential).toEqual(memberCredential)
    // The root renews the newcomer's two-grant chain as one grant of its own.
    const renewed = await listener.admission.answer(
      hello({ credential: answer.grant }),
      stoq(outsider),
      network,
      noMembers,
    )
    expect(renewed.answer).toMatchObject({ type: 'welcome' })
    if (renewed.answer.type !== 'welcome') throw new Error('refused')
    expect(renewed.answer.grant).toHaveLength(1)
  })

  it('answers a LAN probe, which names no network, with a refusal, and logs nothing for it', async () => {
    const { answer, admitted } = await listener.admission.answer(
      { type: 'hello', credential: [] },
      stoq(outsider),
      network,
      noMembers,
    )
    expect(admitted).toBe(false)
    expect(answer).toMatchObject({ type: 'refused', reason: 'not-admitted' })
    expect(listener.warnings).toEqual([])
  })

  it('counts every refusal but logs one peer’s at most once a minute, and limits its hellos', async () => {
    for (let i = 0; i < 20; i++) await listener.admission.answer(hello(), stoq(outsider), network, noMembers)
    expect(listener.admission.refusals.counts['not-admitted']).toBe(20)
    expect(listener.warnings).toHaveLength(1)
    const busy = await listener.admission.answer(hello(), stoq(outsider), network, noMembers)
    expect(busy.answer).toMatchObject({ reason: 'busy' })
    // Another peer is not held up by the first one's hellos.
    const root2 = await listener.admission.answer(hello(), stoq(root), network, noMembers)
    expect(root2.admitted).toBe(true)
  })
})

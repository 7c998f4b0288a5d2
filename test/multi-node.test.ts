import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ensureBuilt, startDaemon, waitFor, type Daemon } from './support/daemon'

const peerIdsOf = async (d: Daemon): Promise<string[]> =>
  (await d.call('peers.list', {})).map((p) => p.peerId).sort()

describe('headless nodes on loopback', () => {
  const base = mkdtempSync(join(tmpdir(), 'hm-multi-'))
  const daemons: Daemon[] = []
  beforeAll(() => ensureBuilt())
  afterAll(async () => {
    await Promise.all(daemons.map((d) => d.stop()))
    rmSync(base, { recursive: true, force: true })
  })

  it('two nodes join one network by invite and see each other, with latency', async () => {
    const [a, b] = await Promise.all([startDaemon(join(base, 'a')), startDaemon(join(base, 'b'))])
    daemons.push(a, b)
    const statusA = await a.call('node.status', {})
    expect((await b.call('node.status', {})).network.networkId).not.toBe(statusA.network.networkId)

    const { invite } = await a.call('network.invite', {})
    const joined = await b.call('network.join', { invite })
    expect(joined.networkId).toBe(statusA.network.networkId)
    expect(joined.isOwnDevnet).toBe(false)

    await waitFor('A and B to list each other', async () => {
      return (await peerIdsOf(a)).includes(b.peerId) && (await peerIdsOf(b)).includes(a.peerId)
    })
    await waitFor(
      'a ping latency for B on A',
      async () => (await a.call('peers.list', {}))[0]?.latencyMs != null,
    )
  })

  it('five nodes joined through one invite all see each other; a stopped one is noticed and rejoins with the same identity', async () => {
    const [a] = daemons
    if (a == null) throw new Error('previous test did not start node A')
    const more = await Promise.all(['c', 'd', 'e'].map((n) => startDaemon(join(base, n))))
    daemons.push(...more)
    const { invite } = await a.call('network.invite', {})
    for (const d of more) await d.call('network.join', { invite })
    const all = daemons.map((d) => d.peerId)
    await waitFor('every node to see the four others', async () => {
      for (const d of daemons) {
        const seen = await peerIdsOf(d)
        if (seen.length !== 4 || !all.filter((p) => p !== d.peerId).every((p) => seen.includes(p)))
          return false
      }
      return true
    })

    const leaving = more[1] as Daemon
    const dataDir = leaving.dataDir
    expect(await leaving.stop()).toBe(0)
    const others = daemons.filter((d) => d !== leaving)
    await waitFor('the others to notice the stopped node', async () => {
      for (const d of others) if ((await peerIdsOf(d)).includes(leaving.peerId)) return false
      return true
    })

    const restarted = await startDaemon(dataDir)
    daemons.splice(daemons.indexOf(leaving), 1, restarted)
    expect(restarted.peerId).toBe(leaving.peerId)
    expect((await restarted.call('node.status', {})).network.networkId).toBe(
      (await a.call('node.status', {})).network.networkId,
    )
    await waitFor('the restarted node to rejoin and see everyone', async () => {
      if ((await peerIdsOf(restarted)).length !== 4) return false
      for (const d of others) if (!(await peerIdsOf(d)).includes(restarted.peerId)) return false
      return true
    })
  })

  it('a wrong-network, malformed or unreachable invite is refused and changes nothing', async () => {
    const [a, b] = daemons as [Daemon, Daemon]
    const before = await b.call('node.status', {})
    const peersBefore = await peerIdsOf(b)

    const garbage = await b.callRaw('network.join', { invite: 'hm1notavalidinvite' })
    expect(garbage.ok).toBe(false)
    if (!garbage.ok) expect(garbage.error.code).toBe('INVALID_INVITE')

    const { invite } = await a.call('network.invite', {})
    const truncated = await b.callRaw('network.join', { invite: invite.slice(0, -5) })
    expect(truncated.ok).toBe(false)
    if (!truncated.ok) expect(truncated.error.code).toBe('INVALID_INVITE')

    // A fresh node on its own devnet, and an invite of A's redirected to it: the node did not make it.
    const stranger = await startDaemon(join(base, 'stranger'))
    daemons.push(stranger)
    const { decodeInvite, encodeInvite } = await import('../app/node/network/invite')
    const strangerInvite = decodeInvite((await stranger.call('network.invite', {})).invite)
    const redirected = encodeInvite({ ...decodeInvite(invite), addresses: strangerInvite.addresses })
    const notItsOwn = await b.callRaw('network.join', { invite: redirected })
    expect(notItsOwn.ok).toBe(false)
    if (!notItsOwn.ok) {
      expect(notItsOwn.error.code).toBe('INVALID_INVITE')
      expect(notItsOwn.error.message).toMatch(/did not make it/)
    }

    // A genuine invite of the stranger's, made before it moved to A's network: for the wrong network now.
    await stranger.call('network.join', await a.call('network.invite', {}))
    const wrong = await b.callRaw('network.join', { invite: encodeInvite(strangerInvite) })
    expect(wrong.ok).toBe(false)
    if (!wrong.ok) {
      expect(wrong.error.code).toBe('WRONG_NETWORK')
      expect(wrong.error.message).toMatch(/no longer on that network; ask for a fresh invite/)
    }
    await stranger.call('network.leave', {})

    const after = await b.call('node.status', {})
    expect(after.network).toEqual(before.network)
    await waitFor(
      'B to keep its peers',
      async () => JSON.stringify(await peerIdsOf(b)) === JSON.stringify(peersBefore),
    )
    await waitFor('the stranger to have no peers', async () => (await peerIdsOf(stranger)).length === 0)
  })

  it('leaving is one call: back on the own devnet, and the old network drops the node', async () => {
    const [a, b] = daemons as [Daemon, Daemon]
    const left = await b.call('network.leave', {})
    expect(left.isOwnDevnet).toBe(true)
    expect((await b.call('peers.list', {})).length).toBe(0)
    await waitFor('A to drop B', async () => !(await peerIdsOf(a)).includes(b.peerId))
  })
})

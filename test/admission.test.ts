/**
 * Issue 17, item 1, the attack run again against a real daemon: an outsider that only echoes the network
 * id (which is all it took before) gets no genesis, no members and no addresses, is not listed as a peer,
 * cannot open a consensus stream, and is refused a storage lease on a PrivateNetwork asset. A node that
 * joined by invite is a member for all of these.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { DatabaseSync } from 'node:sqlite'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { lpStream } from '@libp2p/utils'
import type { Connection } from '@libp2p/interface'
import { multiaddr } from '@multiformats/multiaddr'
import { falcon1024 } from '@noble/post-quantum/falcon.js'
import { createLibp2p, type Libp2p } from 'libp2p'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { defaultSharing } from '../app/assets/sharing/defaults'
import { requestLease } from '../app/assets/leases/lease-requests'
import { CONSENSUS_PROTOCOL } from '../app/consensus/ledger/consensus-transport'
import { MEMBERSHIP_PROTOCOL } from '../app/node/network/membership-protocol'
import { stoqTransportProfile } from '../app/stoq'
import { ensureBuilt, startDaemon, waitFor, type Daemon } from './support/daemon'

const MiB = 1024 * 1024
const encode = (value: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(value))

/** Sends one hello on the membership protocol and returns the answer, or null when the stream is refused. */
async function hello(connection: Connection, message: unknown): Promise<Record<string, unknown> | null> {
  try {
    const stream = await connection.newStream(MEMBERSHIP_PROTOCOL, { signal: AbortSignal.timeout(10_000) })
    const lp = lpStream(stream, { maxDataLength: 4 * MiB })
    await lp.write(encode(message))
    const answer = JSON.parse(new TextDecoder().decode((await lp.read()).subarray())) as Record<
      string,
      unknown
    >
    await stream.close().catch(() => {})
    return answer
  } catch {
    return null
  }
}

/**
 * Whether the peer takes consensus messages from us: opens a stream and sees whether it stays open. A
 * member's stream waits for its messages; a non-member's is reset at once. (Nothing is written: a
 * malformed message would close the stream of a member too.)
 */
async function consensusStreamStaysOpen(connection: Connection): Promise<boolean> {
  let stream
  try {
    stream = await connection.newStream(CONSENSUS_PROTOCOL, { signal: AbortSignal.timeout(10_000) })
  } catch {
    return false
  }
  const lp = lpStream(stream)
  const closed = lp.read({ signal: AbortSignal.timeout(3_000) }).then(
    () => false,
    (err: Error) => err.name !== 'AbortError' && err.name !== 'TimeoutError',
  )
  const wasClosed = await closed
  stream.abort(new Error('done'))
  return !wasClosed
}

describe('membership needs proof (the attack of issue 17, item 1)', () => {
  const base = mkdtempSync(join(tmpdir(), 'hm-admission-'))
  let a: Daemon
  let member: Daemon
  let outsider: Libp2p
  let networkId: string
  let address: string

  beforeAll(async () => {
    ensureBuilt()
    ;[a, member] = await Promise.all([startDaemon(join(base, 'a')), startDaemon(join(base, 'member'))])
    const status = await a.call('node.status', {})
    networkId = status.network.networkId
    address = status.listenAddresses.find(
      (x) => x.includes('/tcp/') && !x.includes('/ws') && x.startsWith('/ip4/'),
    )!
    await a.call('sharing.update', {
      resource: 'storage',
      settings: {
        ...defaultSharing('storage'),
        enabled: true,
        privacy: 'PrivateNetwork',
        networks: [networkId],
        diskQuotaBytes: 64 * MiB,
        // No proofs asked: what decides is whether the asker is a member.
        requiredProofs: [],
      },
    })
    await member.call('network.join', await a.call('network.invite', {}))
    outsider = await createLibp2p({
      ...stoqTransportProfile({
        falcon: falcon1024.keygen(),
        quic: false,
        webrtcDirect: false,
      }).libp2pOptions(),
    })
  }, 120_000)

  afterAll(async () => {
    await outsider?.stop()
    await Promise.all([a?.stop(), member?.stop()])
    rmSync(base, { recursive: true, force: true })
  })

  it('an outsider that echoes the network id gets nothing about the network and is not a member', async () => {
    const connection = await outsider.dial(multiaddr(address), { signal: AbortSignal.timeout(10_000) })
    // The hello that made the outsider a member before, and the same with an empty proof.
    const answers = [
      await hello(connection, { type: 'hello', networkId }),
      await hello(connection, { type: 'hello', networkId, credential: [] }),
    ]
    for (const answer of answers) {
      if (answer == null) continue
      expect(answer.type).toBe('refused')
      expect(Object.keys(answer).sort()).toEqual(['message', 'reason', 'type'])
      expect(JSON.stringify(answer)).not.toContain(networkId)
    }
    expect(answers.some((answer) => answer != null)).toBe(true)

    expect(await consensusStreamStaysOpen(connection)).toBe(false)
    const lease = await requestLease(connection, { resource: 'storage', amountBytes: MiB, minutes: 5 }).then(
      () => 'granted',
      (err: { code?: string; message: string }) => `${err.code}: ${err.message}`,
    )
    expect(lease).not.toBe('granted')
    expect(lease).toMatch(/only with members of its private network that this node has admitted/)
    expect((await a.call('peers.list', {})).map((p) => p.peerId)).not.toContain(outsider.peerId.toString())
    // A connection that proved nothing is closed after the admission grace period.
    await waitFor('A to close the outsider’s connection', () => connection.status !== 'open', 30_000)
  }, 90_000)

  it('a node that joined by invite is listed, and is granted the lease the outsider was refused', async () => {
    await waitFor('A to list the member', async () =>
      (await a.call('peers.list', {})).some((p) => p.peerId === member.peerId),
    )
    const issued = await a.callRaw('assets.issueLease', {
      holder: member.peerId,
      resource: 'storage',
      amountBytes: MiB,
      minutes: 5,
    })
    expect(issued.ok).toBe(true)
  }, 60_000)

  it('each side keeps where the other listens, so either can reach the other after a restart', async () => {
    // The chaos testnet found a node that, killed and restarted, was never reached again: the node it
    // had admitted kept no address for it, and the one that dialed it only the one it dialed, on a port
    // the restart changed.
    const listensOf = async (d: Daemon) => (await d.call('node.status', {})).listenAddresses
    const keptBy = (dir: string, peer: string): string[] => {
      const db = new DatabaseSync(join(base, dir, 'node.db'), { readOnly: true })
      try {
        const row = db.prepare('SELECT addrs FROM known_peers WHERE peer_id = ?').get(peer) as
          { addrs: string } | undefined
        return row == null ? [] : (JSON.parse(row.addrs) as string[])
      } finally {
        db.close()
      }
    }
    const [aListens, memberListens] = await Promise.all([listensOf(a), listensOf(member)])
    await waitFor('both sides to keep the other’s listen addresses', () => {
      const byMember = keptBy('member', a.peerId)
      const byA = keptBy('a', member.peerId)
      return byMember.length > 1 && byA.length > 1
    })
    for (const kept of keptBy('member', a.peerId)) expect(aListens).toContain(kept)
    for (const kept of keptBy('a', member.peerId)) expect(memberListens).toContain(kept)
  }, 60_000)
})

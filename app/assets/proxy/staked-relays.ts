/**
 * Which relays an owner holds reservations on, by stake: besides the relay libp2p finds on its own, the
 * node reserves on the relays with the most bonded stake on its ledger among the peers it knows to serve
 * circuit relay v2, so that holders with no direct path reach it through relays with something to lose.
 *
 * js-libp2p reserves on a specific relay when it listens on `/p2p/<relay>/p2p-circuit`; that listen goes
 * through the node's transport manager, which js-libp2p does not expose on its public interface: it is
 * reached through `components`, and its absence is reported, not ignored.
 */
import type { Libp2p } from '@libp2p/interface'
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr'
import type { Logger } from 'pino'

export const RELAY_HOP_PROTOCOL = '/libp2p/circuit/relay/0.2.0/hop'

interface WithTransportManager {
  components?: { transportManager?: { listen(addrs: Multiaddr[]): Promise<void> } }
}

export class StakedRelays {
  readonly name = 'relays'
  private readonly reserved = new Set<string>()
  private timer: NodeJS.Timeout | null = null

  constructor(
    private readonly libp2p: Libp2p,
    /** Bonded stake by peer id, from the node's ledger (empty without one). */
    private readonly stakes: () => Map<string, bigint>,
    private readonly log: Logger,
    /** How many staked relays to hold reservations on. */
    private readonly count = 2,
  ) {}

  start(everyMs = 60_000): void {
    this.timer = setInterval(
      () => void this.refresh().catch((err) => this.log.warn({ err }, 'staked relays')),
      everyMs,
    )
    this.timer.unref()
  }

  stop(): void {
    if (this.timer != null) clearInterval(this.timer)
  }

  /** The relays reserved on, by stake: known relays with stake, most first, up to `count`. */
  async refresh(): Promise<string[]> {
    const stakes = this.stakes()
    const self = this.libp2p.peerId.toString()
    const relays = (await this.libp2p.peerStore.all())
      .filter((p) => p.protocols.includes(RELAY_HOP_PROTOCOL) && p.id.toString() !== self)
      .map((p) => ({ id: p.id.toString(), stake: stakes.get(p.id.toString()) ?? 0n }))
      .filter((r) => r.stake > 0n)
      .sort((a, b) => (a.stake === b.stake ? (a.id < b.id ? -1 : 1) : a.stake > b.stake ? -1 : 1))
      .slice(0, this.count)
    const manager = (this.libp2p as unknown as WithTransportManager).components?.transportManager
    if (manager == null) {
      this.log.warn('this libp2p exposes no transport manager: relays cannot be chosen by stake')
      return [...this.reserved]
    }
    for (const relay of relays) {
      if (this.reserved.has(relay.id)) continue
      try {
        await manager.listen([multiaddr(`/p2p/${relay.id}/p2p-circuit`)])
        this.reserved.add(relay.id)
        this.log.info(
          { relay: relay.id, stake: relay.stake.toString() },
          'holding a reservation on a staked relay',
        )
      } catch (err) {
        this.log.info({ err, relay: relay.id }, 'a staked relay refused a reservation')
      }
    }
    return [...this.reserved]
  }
}

/**
 * The ledger of the node's active network: keeps one running {@link Ledger}, or the reason there is none
 * (a network made before the ledger, or a stored chain that does not replay). Switches are serialized;
 * they never throw, because a network without a working chain is still a network. Whoever follows the
 * chain subscribes to its blocks here, across switches.
 */
import type { BlockSummary, ChainStatus } from '../../../shared/api'
import { LedgerRequestError } from '../errors'
import type { GenesisDocument } from '../genesis'
import { Ledger, type LedgerParts } from './ledger'

/** A network as the ledger needs it: its id, a name for messages, and its genesis. */
export interface LedgerNetwork {
  readonly networkId: string
  readonly name: string
  readonly genesis: GenesisDocument
}

export type ActiveLedgerParts = Omit<LedgerParts, 'onBlock'>

export class ActiveLedger {
  private service: Ledger | null = null
  private unavailable = 'the ledger is starting'
  private networkId: string | null = null
  private switching: Promise<void> = Promise.resolve()
  private stopped = false
  private readonly blockListeners = new Set<(block: BlockSummary) => void>()

  constructor(private readonly parts: ActiveLedgerParts) {}

  /** Calls `listener` after every committed block of whichever network is active; returns the unsubscribe. */
  onBlock(listener: (block: BlockSummary) => void): () => void {
    this.blockListeners.add(listener)
    return () => this.blockListeners.delete(listener)
  }

  switchTo(network: LedgerNetwork): Promise<void> {
    this.switching = this.switching.then(() => this.open(network))
    return this.switching
  }

  async stop(): Promise<void> {
    this.stopped = true
    await this.switching
    await this.close()
  }

  status(): ChainStatus {
    return this.service?.status() ?? { available: false, reason: this.unavailable }
  }

  /** The running ledger, or null. */
  current(): Ledger | null {
    return this.service
  }

  /** The running ledger, or LedgerRequestError('not-found') saying why there is none. */
  need(): Ledger {
    if (this.service == null) throw new LedgerRequestError('not-found', this.unavailable)
    return this.service
  }

  private announce(block: BlockSummary): void {
    // A follower that fails must not hold up consensus or the other followers: it is logged, and the
    // next block tries again.
    for (const listener of this.blockListeners) {
      try {
        listener(block)
      } catch (err) {
        this.parts.log.error({ err }, 'a follower of the chain failed on a block')
      }
    }
  }

  private async open(network: LedgerNetwork): Promise<void> {
    if (this.stopped || network.networkId === this.networkId) return
    await this.close()
    this.networkId = network.networkId
    if (network.genesis.consensus == null) {
      this.unavailable = `“${network.name}” was created before HyperMesh had a ledger, so it has no chain; leave it for your own devnet, or create a new network`
      return
    }
    try {
      this.service = await Ledger.start(
        network.networkId,
        network.genesis,
        { ...this.parts, onBlock: (block) => this.announce(block) },
        () => void this.reopen(network),
      )
    } catch (err) {
      const message = (err as Error).message
      this.unavailable = `the chain of “${network.name}” could not be opened: ${message}`
      this.parts.log.error({ err, networkId: network.networkId }, 'the ledger could not start')
    }
  }

  /** Opens the same network's chain again: a validator-join or -leave changed whether this node signs. */
  private reopen(network: LedgerNetwork): Promise<void> {
    this.switching = this.switching.then(async () => {
      if (this.stopped || this.networkId !== network.networkId) return
      await this.close()
      await this.open(network)
    })
    return this.switching
  }

  private async close(): Promise<void> {
    const service = this.service
    this.service = null
    this.networkId = null
    this.unavailable = 'the ledger is starting'
    await service?.stop()
  }
}

/**
 * Keeps one LedgerService for the active network, or the reason there is none (a network made before the
 * ledger, or a stored chain that does not replay). Switches are serialized; they never throw, because a
 * network without a working chain is still a network.
 */
import { ApiError, type ChainStatus } from '../../../shared/api'
import type { StoredNetwork } from '../network/network-store'
import { LedgerService, type LedgerParts } from './ledger-service'

export class LedgerHost {
  private service: LedgerService | null = null
  private unavailable = 'the ledger is starting'
  private networkId: string | null = null
  private switching: Promise<void> = Promise.resolve()
  private stopped = false

  constructor(private readonly parts: LedgerParts) {}

  switchTo(network: StoredNetwork): Promise<void> {
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
  current(): LedgerService | null {
    return this.service
  }

  /** The running ledger, or an error that says why there is none. */
  need(): LedgerService {
    if (this.service == null) throw new ApiError('NOT_FOUND', this.unavailable)
    return this.service
  }

  private async open(network: StoredNetwork): Promise<void> {
    if (this.stopped || network.networkId === this.networkId) return
    await this.close()
    this.networkId = network.networkId
    if (network.genesis.consensus == null) {
      this.unavailable = `“${network.name}” was created before HyperMesh had a ledger, so it has no chain; leave it for your own devnet, or create a new network`
      return
    }
    try {
      this.service = await LedgerService.start(
        network.networkId,
        network.genesis,
        this.parts,
        () => void this.reopen(network),
      )
    } catch (err) {
      const message = (err as Error).message
      this.unavailable = `the chain of “${network.name}” could not be opened: ${message}`
      this.parts.log.error({ err, networkId: network.networkId }, 'the ledger could not start')
    }
  }

  /** Opens the same network's chain again: a validator-join or -leave changed whether this node signs. */
  private reopen(network: StoredNetwork): Promise<void> {
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

/**
 * The API service: what each call of the contract does, in terms of the node's parts.
 */
import { ApiError, type NodeStatus, type TransportStats } from '../../shared/api'
import {
  readHardware,
  type AssetService,
  type FileService,
  type HardwareAdapters,
  type SharingService,
} from '../assets'
import type { AddressBook, ExchangeService, RewardsService, WalletService } from '../caesar'
import { jobOnLedger, type ActiveLedger } from '../consensus'
import type { JobsService } from '../jobs'
import type { ApiHandlers } from './api/dispatcher'
import type { GpuJobs } from './gpu-wiring'
import type { NetworkManager } from './network/network-manager'

/** The parts of a running node that the API serves from. */
export interface RunningParts {
  network: NetworkManager
  listenAddresses: () => string[]
  startedAt: number
  ledger: ActiveLedger
  sharing: SharingService
  assets: AssetService
  rewards: RewardsService
  wallet: WalletService
  /** The person's address book, kept with the wallet. */
  addressBook: AddressBook
  /** The exchange: order books on the ledger, orders signed by the node or a wallet account. */
  exchange: ExchangeService
  files: FileService
  jobs: JobsService
  gpu: GpuJobs
}

export interface ServiceParts {
  /** The parts that exist only while the node runs; null before start and after stop. */
  running(): RunningParts | null
  status(): Omit<NodeStatus, 'network' | 'listenAddresses' | 'startedAt' | 'uptimeMs'>
  hardware: HardwareAdapters
  transportStats(): TransportStats
}

const HARDWARE_CACHE_MS = 1_000

export function createApiHandlers(parts: ServiceParts): ApiHandlers {
  const need = () => {
    const running = parts.running()
    if (running == null) throw new ApiError('BUSY', 'the node is not running yet; try again in a moment')
    return running
  }
  let hardware: { at: number; value: ReturnType<typeof readHardware> } | null = null

  return {
    'node.status': async () => {
      const running = need()
      return {
        ...parts.status(),
        network: running.network.networkInfo(),
        listenAddresses: running.listenAddresses(),
        startedAt: running.startedAt,
        uptimeMs: Date.now() - running.startedAt,
      }
    },
    'peers.list': async () => need().network.peers(),
    'transport.stats': async () => parts.transportStats(),
    'hardware.snapshot': async () => {
      // Several windows polling at once share one reading per second.
      if (hardware == null || Date.now() - hardware.at > HARDWARE_CACHE_MS) {
        hardware = { at: Date.now(), value: readHardware(parts.hardware) }
        hardware.value.catch(() => (hardware = null))
      }
      return hardware.value
    },
    'network.invite': async () => ({ invite: need().network.invite() }),
    'network.join': async ({ invite }) => need().network.join(invite),
    'network.leave': async () => need().network.leave(),
    'network.lanOffers': async () => need().network.lanOffers(),
    'chain.status': async () => need().ledger.status(),
    'chain.blocks': async ({ limit, beforeHeight }) => need().ledger.need().blocks(limit, beforeHeight),
    'chain.validators': async () => need().ledger.need().validators(),
    'chain.account': async ({ address }) => need().ledger.need().account(address),
    'chain.history': async (query) => need().ledger.need().history(query),
    'chain.job': async ({ jobId }) => jobOnLedger(need().ledger.need().chain.state, jobId),
    'chain.transfer': async (request) => need().ledger.need().transfer(request),
    'chain.setPayout': async ({ to }) => need().ledger.need().signAndSubmit({ kind: 'payout-set', to }),
    'chain.stake': async ({ amount, fee }) =>
      need().ledger.need().signAndSubmit({ kind: 'stake', amount }, fee),
    'chain.unstake': async ({ amount, fee }) =>
      need().ledger.need().signAndSubmit({ kind: 'unstake', amount }, fee),
    'chain.joinValidators': async ({ fee }) => need().ledger.need().joinValidators(fee),
    'chain.leaveValidators': async ({ fee }) =>
      need().ledger.need().signAndSubmit({ kind: 'validator-leave' }, fee),
    'chain.submitTx': async ({ tx }) => need().ledger.need().submit(tx),
    'chain.verifyBlock': async ({ height }) => need().ledger.need().verifyBlock(height),
    'sharing.state': async () => need().sharing.state(),
    'sharing.update': async (update) => {
      // Trusted peers may be named by their assets' proxy addresses; the terms keep peer ids.
      const { sharing, assets } = need()
      const trustedPeers = update.settings.trustedPeers.map((peer) => assets.peerIdOf(peer))
      return sharing.update({ ...update, settings: { ...update.settings, trustedPeers } })
    },
    'assets.list': async () => need().assets.list(),
    'rewards.status': async () => need().rewards.status(),
    'wallet.status': async () => need().wallet.status(),
    'wallet.create': async ({ passphrase }) => need().wallet.create(passphrase),
    'wallet.restore': async (request) => need().wallet.restore(request),
    'wallet.checkWords': async ({ words }) => need().wallet.checkWords(words),
    'wallet.unlock': async ({ passphrase }) => need().wallet.unlock(passphrase),
    'wallet.lock': async () => need().wallet.lock(),
    'wallet.changePassphrase': async ({ current, next }) => need().wallet.changePassphrase(current, next),
    'wallet.addAccount': async ({ passphrase }) => need().wallet.addAccount(passphrase),
    'wallet.exportBackup': async () => need().wallet.exportBackup(),
    'wallet.importBackup': async (request) => need().wallet.importBackup(request),
    'wallet.previewSend': async (request) => need().wallet.previewSend(request),
    'wallet.send': async (request) => need().wallet.send(request),
    'exchange.markets': async () => need().exchange.markets(),
    'exchange.book': async ({ market }) => need().exchange.book(market),
    'exchange.preview': async (draft) => need().exchange.preview(draft),
    'exchange.place': async (draft) => need().exchange.place(draft),
    'exchange.cancel': async ({ orderId }) => need().exchange.cancel(orderId),
    'exchange.mine': async () => need().exchange.mine(),
    'exchange.takeDelivery': async (request) => need().exchange.takeDelivery(request),
    'exchange.offerShare': async (request) => need().exchange.offerShare(request),
    'wallet.contacts': async () => need().addressBook.list(),
    'wallet.saveContact': async (contact) => need().addressBook.save(contact),
    'wallet.removeContact': async ({ address }) => need().addressBook.remove(address),
    'files.beginUpload': async (request) => need().files.beginUpload(request),
    'files.uploadChunk': async (request) => need().files.uploadChunk(request),
    'files.finishUpload': async ({ uploadId }) => need().files.finishUpload(uploadId),
    'files.cancelUpload': async ({ uploadId }) => ({ cancelled: need().files.cancelUpload(uploadId) }),
    'files.list': async () => need().files.list(),
    'files.fetch': async ({ fileId }) => need().files.fetch(fileId),
    'files.readChunk': async (request) => need().files.readChunk(request),
    'files.check': async ({ fileId }) => need().files.check(fileId),
    'files.remove': async ({ fileId }) => need().files.remove(fileId),
    'assets.issueLease': async (request) => need().assets.issueLease(request),
    'assets.register': async (request) => need().assets.register(request),
    'assets.discover': async (request) => need().assets.discover(request),
    'assets.resolve': async ({ address }) => need().assets.resolve(address),
    'assets.probeLease': async (request) => need().assets.probeLease(request),
    'jobs.examples': async () => need().jobs.examples(),
    'jobs.beginUpload': async ({ purpose, size }) => need().jobs.beginUpload(purpose, size),
    'jobs.uploadChunk': async ({ uploadId, offset, data }) => need().jobs.uploadChunk(uploadId, offset, data),
    'jobs.estimate': async (request) => need().jobs.estimate(request),
    'jobs.submit': async (request) => need().jobs.submit(request),
    'jobs.list': async () => need().jobs.list(),
    'jobs.get': async ({ jobId }) => need().jobs.get(jobId),
    'jobs.cancel': async ({ jobId }) => need().jobs.cancel(jobId),
    'jobs.readResult': async ({ jobId, offset, length }) => need().jobs.readResult(jobId, offset, length),
    'jobs.provided': async () => need().jobs.provided(),
    'gpu.status': async () => need().gpu.status(),
    'gpu.attach': async ({ adapter }) => need().gpu.pages.attach(adapter),
    'gpu.detach': async ({ hostId }) => ({ detached: need().gpu.pages.detach(hostId) }),
    'gpu.poll': async ({ hostId }) => ({ task: await need().gpu.pages.poll(hostId) }),
    'gpu.readTask': async ({ hostId, taskId, part, offset, length }) => ({
      data: need().gpu.pages.readTask(hostId, taskId, part, offset, length),
    }),
    'gpu.output': async ({ hostId, taskId, offset, data }) => ({
      received: need().gpu.pages.output(hostId, taskId, offset, data),
    }),
    'gpu.finish': async (result) => ({ accepted: need().gpu.pages.finish(result) }),
  }
}

/**
 * The jobs subsystem's ports, satisfied by the node's parts: the ledger's view of escrows and evidence,
 * this node's CPU and GPU terms (app/assets sharing), and the peers to ask.
 */
import type { AssetService, SharingService } from '../assets'
import { addressOf, falcon1024Scheme, fromBase64, type ActiveLedger, type LedgerState } from '../consensus'
import type { JobResource, JobsLedgerView, ProviderTerms } from '../jobs'

/** The active ledger as jobs read it; null while there is none. */
export function jobsLedgerView(ledger: ActiveLedger): JobsLedgerView | null {
  const current = ledger.current()
  if (current == null) return null
  const { state, chainId, params } = current.chain
  return {
    networkId: chainId,
    timeMs: state.timeMs,
    minFee: BigInt(params.minFee),
    escrow: (jobId) => {
      const escrow = state.jobEscrows.get(jobId)
      return escrow == null
        ? null
        : {
            payer: escrow.payer,
            remaining: escrow.amount,
            open: escrow.status === 'open',
            settleBy: escrow.settleBy,
            paidTotal: escrow.paid.reduce((sum, p) => sum + p.amount, 0n),
          }
    },
    outvoted: (account, jobId) => state.jobEvidence.has(`${account}|${jobId}`),
    paidTo: (account, jobId) => paidTo(state, account, jobId),
    balance: (address) => state.account(address)?.balance ?? 0n,
    addressOfKey: (key) => {
      try {
        const bytes = fromBase64(key)
        return bytes.length === falcon1024Scheme.publicKeyBytes ? addressOf(falcon1024Scheme, bytes) : null
      } catch {
        return null
      }
    },
    cpuAssetPeers: () => [...state.assets.values()].filter((a) => a.resource === 'cpu').map((a) => a.peerId),
  }
}

function paidTo(state: LedgerState, account: string, jobId: string): bigint | null {
  const escrow = state.jobEscrows.get(jobId)
  if (escrow == null || escrow.status === 'open') return null
  return escrow.paid.find((p) => p.account === account)?.amount ?? 0n
}

/** Peers whose `resource` assets are registered on the active ledger. */
export function assetPeers(ledger: ActiveLedger, resource: JobResource): string[] {
  const state = ledger.current()?.chain.state
  if (state == null) return []
  return [...state.assets.values()].filter((a) => a.resource === resource).map((a) => a.peerId)
}

/**
 * This node's offer to jobs, from each resource's sharing terms: CPU jobs on the CPU terms, GPU jobs on
 * the GPU terms, offered only while GPU jobs have a WebGPU adapter (sharing.gpuJobOffer).
 */
export function providerTerms(sharing: SharingService, assets: AssetService): ProviderTerms {
  const offer = (resource: JobResource): bigint =>
    resource === 'gpu' ? sharing.gpuJobOffer() : sharing.computeOffer('cpu')
  return {
    refusalFor: (peer, resource) => {
      if (resource != null) return assets.useRefusal(resource, peer)
      const cpu = assets.useRefusal('cpu', peer)
      return cpu == null || assets.useRefusal('gpu', peer) == null ? null : cpu
    },
    privacy: (resource) => sharing.settingsOf(resource).privacy,
    pricePerCoreHour: (resource) => {
      // The minimum price is per hour of the whole allocation; a job pays per core-hour (GPU-hour) used.
      const perHour = BigInt(sharing.settingsOf(resource).minPricePerHour)
      const millicores = offer(resource)
      return millicores === 0n ? perHour : (perHour * 1000n + millicores - 1n) / millicores
    },
    offerMillicores: offer,
    // Jobs of either kind count together, up to the fewest leases at a time any shared resource allows.
    maxConcurrent: () => {
      const shared = (['cpu', 'gpu'] as const).filter((r) => sharing.settingsOf(r).enabled)
      return Math.min(
        ...(shared.length === 0 ? ['cpu' as const] : shared).map((r) => sharing.settingsOf(r).maxLeases),
      )
    },
    group: () => sharing.workGroup,
  }
}

/**
 * The jobs subsystem's ports, satisfied by the node's parts: the ledger's view of escrows and evidence,
 * this node's CPU terms (app/assets sharing), and the peers to ask.
 */
import type { AssetService, SharingService } from '../assets'
import { addressOf, falcon1024Scheme, fromBase64, type ActiveLedger, type LedgerState } from '../consensus'
import type { JobsLedgerView, ProviderTerms } from '../jobs'

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

/** This node's CPU offer to jobs, from its sharing terms. */
export function providerTerms(sharing: SharingService, assets: AssetService): ProviderTerms {
  return {
    refusalFor: (peer) => assets.useRefusal('cpu', peer),
    privacy: () => sharing.settingsOf('cpu').privacy,
    pricePerCoreHour: () => {
      // The minimum price is per hour of the whole allocation; a job pays per core-hour of CPU time.
      const perHour = BigInt(sharing.settingsOf('cpu').minPricePerHour)
      const millicores = sharing.computeOffer('cpu')
      return millicores === 0n ? perHour : (perHour * 1000n + millicores - 1n) / millicores
    },
    offerMillicores: () => sharing.computeOffer('cpu'),
    maxConcurrent: () => sharing.settingsOf('cpu').maxLeases,
    group: () => sharing.workGroup,
  }
}

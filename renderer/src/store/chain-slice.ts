/**
 * The chain view's part of the store: the ledger's status, the latest blocks (kept fresh by the node's
 * `chain.block` event and a slow poll), the validator set, transfers and on-demand block verification.
 */
import { ApiError, parseCaesar, type BlockSummary } from '../../../shared/api'
import type { SliceParts } from './slice'
import type { ChainArea, ChainActions } from './types'

export const CHAIN_POLL_MS = 3_000
/** Blocks the chain view keeps. */
export const RECENT_BLOCKS = 12

export const emptyChainArea = (): ChainArea => ({
  status: null,
  blocks: [],
  validators: [],
  transferring: false,
  transferError: null,
  lastTransfer: null,
  staking: false,
  stakeError: null,
  lastStake: null,
  checks: {},
})

export function createChainActions({ api, get, set, read, failed }: SliceParts<'chain'>): ChainActions {
  const setChain = (patch: Partial<ChainArea>): void => set({ chain: { ...get().chain, ...patch } })

  return {
    refreshChain: () =>
      read(
        'chain',
        async () => {
          const status = await api.call('chain.status', {})
          if (!status.available) return { status, blocks: [], validators: [] }
          const [blocks, validators] = await Promise.all([
            api.call('chain.blocks', { limit: RECENT_BLOCKS }),
            api.call('chain.validators', {}),
          ])
          return { status, blocks, validators }
        },
        (fresh) => setChain(fresh),
      ),

    addBlock(block: BlockSummary) {
      const { blocks } = get().chain
      if (blocks.some((b) => b.hash === block.hash)) return
      setChain({ blocks: [block, ...blocks].sort((a, b) => b.height - a.height).slice(0, RECENT_BLOCKS) })
    },

    async transfer(to, amountText, feeText) {
      if (get().chain.transferring) return false
      const amount = parseCaesar(amountText)
      const fee = feeText.trim() === '' ? undefined : parseCaesar(feeText)
      const invalid = (message: string): false => {
        setChain({ transferError: { code: 'BAD_REQUEST', message }, lastTransfer: null })
        return false
      }
      if (!/^[0-9a-f]{40}$/.test(to.trim()))
        return invalid('The recipient is an address of 40 hex characters (0–9, a–f).')
      if (amount == null || amount === '0')
        return invalid('Enter an amount of CAESAR above 0, with at most six decimals.')
      if (fee === null)
        return invalid('Enter the fee in CAESAR, with at most six decimals, or leave it empty.')
      setChain({ transferring: true, transferError: null, lastTransfer: null })
      try {
        const receipt = await api.call('chain.transfer', { to: to.trim(), amount, fee })
        setChain({ transferring: false, lastTransfer: receipt })
        void actionsRefresh()
        return true
      } catch (err) {
        setChain({ transferring: false, transferError: failed(err) })
        return false
      }
    },

    async stakeAction(action, amountText) {
      if (get().chain.staking) return false
      const call = async () => {
        if (action === 'join') return api.call('chain.joinValidators', {})
        if (action === 'leave') return api.call('chain.leaveValidators', {})
        const amount = parseCaesar(amountText)
        if (amount == null || amount === '0')
          throw new ApiError('BAD_REQUEST', 'Enter an amount of CAESAR above 0, with at most six decimals.')
        return api.call(action === 'stake' ? 'chain.stake' : 'chain.unstake', { amount })
      }
      setChain({ staking: true, stakeError: null, lastStake: null })
      try {
        await call()
        setChain({ staking: false, lastStake: action })
        void actionsRefresh()
        return true
      } catch (err) {
        setChain({ staking: false, stakeError: failed(err) })
        return false
      }
    },

    async verifyBlock(height) {
      setChain({ checks: { ...get().chain.checks, [height]: 'checking' } })
      try {
        const check = await api.call('chain.verifyBlock', { height })
        setChain({ checks: { ...get().chain.checks, [height]: check } })
      } catch (err) {
        const failure = failed(err).message
        setChain({ checks: { ...get().chain.checks, [height]: { height, ok: false, failure, ms: 0 } } })
      }
    },
  }

  function actionsRefresh(): Promise<void> {
    return get().actions.refreshChain()
  }
}

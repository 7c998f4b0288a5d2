/**
 * The wallet view's part of the store: the node's wallet (read when the view opens and every few seconds
 * while it is shown, for balances), and the person's calls on it, one at a time. A wallet just made keeps
 * its recovery words here only until the person has typed some of them back.
 */
import type { Contact, WalletStatus } from '../../../shared/api'
import { fromBase64, toBase64 } from '../lib/base64'
import { startPolling, type VisibilitySource } from './polling'
import { outcomeOf, type SliceParts } from './slice'
import type { Outcome } from './types'
import type { WalletActions, WalletArea, WalletCall } from './wallet-types'

export const WALLET_POLL_MS = 5_000
/** How many words a new wallet's owner types back before finishing. */
export const CONFIRM_WORDS = 3
/** A wallet file is small (the node refuses more); a bigger file is not a backup. */
export const MAX_BACKUP_BYTES = 64 * 1024

export const emptyWalletArea = (): WalletArea => ({
  status: null,
  fresh: null,
  busy: null,
  contacts: null,
  contactsError: null,
})

/** `count` distinct positions of 1..`of`, ascending. */
export function pickPositions(count: number, of: number, random: () => number = Math.random): number[] {
  const left = Array.from({ length: of }, (_, i) => i + 1)
  const picked: number[] = []
  while (picked.length < count && left.length > 0)
    picked.push(...left.splice(Math.floor(random() * left.length), 1))
  return picked.sort((a, b) => a - b)
}

/** A word as the person may type it back: any case, spaces around it. */
const typed = (word: string): string => word.normalize('NFKD').trim().toLowerCase()

interface WalletParts extends SliceParts<'wallet'> {
  visibility: VisibilitySource
  everyMs?: number
}

export function createWalletActions(parts: WalletParts): WalletActions {
  const { api, get, set, read, failed } = parts
  const setWallet = (patch: Partial<WalletArea>): void => set({ wallet: { ...get().wallet, ...patch } })
  /** Bumped by each call's answer, so a status read that started earlier cannot undo it. */
  let epoch = 0
  /** The same for the address book: a read that started before a save cannot bring back what it changed. */
  let contactsEpoch = 0

  /**
   * Runs one call at a time: `busy` names it while it runs; what its answer changes (the status, mostly)
   * is set together with the end of `busy`, so the view never shows a state in between.
   */
  const run = async <T>(
    call: WalletCall,
    work: () => Promise<T>,
    patchOf: (value: T) => Partial<WalletArea>,
  ): Promise<Outcome<T>> => {
    if (get().wallet.busy != null)
      return { ok: false, message: 'another wallet action is running; wait for it to finish' }
    setWallet({ busy: call })
    const outcome = await outcomeOf(work, failed)
    const patch = outcome.ok ? patchOf(outcome.value) : {}
    if (patch.status != null) epoch++
    if (patch.contacts != null) contactsEpoch++
    setWallet({ ...patch, busy: null })
    return outcome
  }
  const statusPatch = (status: WalletStatus): Partial<WalletArea> => ({ status })
  const contactsPatch = (contacts: Contact[]): Partial<WalletArea> => ({ contacts, contactsError: null })

  const actions: WalletActions = {
    refreshWallet() {
      const started = epoch
      return read(
        'wallet',
        () => api.call('wallet.status', {}),
        (status) => {
          if (started === epoch) setWallet({ status })
        },
      )
    },

    // The address book too: another window on the node (Electron's, a browser's) may change it.
    watchWallet: () =>
      startPolling(
        [
          { everyMs: parts.everyMs ?? WALLET_POLL_MS, run: () => actions.refreshWallet() },
          { everyMs: parts.everyMs ?? WALLET_POLL_MS, run: () => actions.refreshWalletContacts() },
        ],
        parts.visibility,
      ),

    async createWallet(passphrase) {
      // The status and the words at once: the view goes straight to the words, never by the wallet.
      const outcome = await run(
        'create',
        () => api.call('wallet.create', { passphrase }),
        ({ words: text, status }) => {
          const words = text.split(/\s+/).filter(Boolean)
          return { status, fresh: { words, confirm: pickPositions(CONFIRM_WORDS, words.length) } }
        },
      )
      return outcome.ok ? { ok: true, value: outcome.value.status } : outcome
    },

    confirmWords(answers) {
      const fresh = get().wallet.fresh
      if (fresh == null) return { ok: false, message: 'there are no new words to confirm' }
      const wrong = fresh.confirm.filter(
        (position, i) => typed(answers[i] ?? '') !== fresh.words[position - 1],
      )
      if (wrong.length > 0) {
        const named = wrong.map((p) => `word ${p}`).join(', ')
        return {
          ok: false,
          message: `${named} ${wrong.length === 1 ? 'does' : 'do'} not match; look again at what you wrote down`,
        }
      }
      setWallet({ fresh: null })
      return { ok: true, value: null }
    },

    checkWords: (words) => outcomeOf(() => api.call('wallet.checkWords', { words }), failed),

    restoreWallet: (words, passphrase, replace) =>
      run(
        'restore',
        () => api.call('wallet.restore', { words, passphrase, ...(replace ? { replace } : {}) }),
        statusPatch,
      ),

    unlockWallet: (passphrase) => run('unlock', () => api.call('wallet.unlock', { passphrase }), statusPatch),

    lockWallet: () => run('lock', () => api.call('wallet.lock', {}), statusPatch),

    addWalletAccount: (passphrase) =>
      run('addAccount', () => api.call('wallet.addAccount', { passphrase }), statusPatch),

    changeWalletPassphrase: (current, next) =>
      run('changePassphrase', () => api.call('wallet.changePassphrase', { current, next }), statusPatch),

    exportWalletBackup: () =>
      run(
        'exportBackup',
        async () => {
          const { fileName, data } = await api.call('wallet.exportBackup', {})
          return { fileName, blob: new Blob([fromBase64(data)], { type: 'application/json' }) }
        },
        () => ({}),
      ),

    async importWalletBackup(bytes, passphrase, replace) {
      if (bytes.length === 0 || bytes.length > MAX_BACKUP_BYTES)
        return { ok: false, message: 'this file is not a HyperMesh wallet backup (its size is wrong)' }
      return run(
        'importBackup',
        () =>
          api.call('wallet.importBackup', {
            data: toBase64(bytes),
            passphrase,
            ...(replace ? { replace } : {}),
          }),
        statusPatch,
      )
    },

    previewWalletSend: (request) =>
      run(
        'previewSend',
        () => api.call('wallet.previewSend', request),
        () => ({}),
      ),

    sendFromWallet: (request) =>
      run(
        'send',
        () => api.call('wallet.send', request),
        () => ({}),
      ),

    async setNodePayout(to) {
      const outcome = await run(
        'payout',
        () => api.call('chain.setPayout', { to }),
        () => ({}),
      )
      // The chain's status carries the payout account once a block commits it; read it now too.
      if (outcome.ok) void get().actions.refreshChain()
      return outcome
    },

    async refreshWalletContacts() {
      const started = contactsEpoch
      const outcome = await outcomeOf(() => api.call('wallet.contacts', {}), failed)
      if (started !== contactsEpoch) return
      setWallet(
        outcome.ok ? { contacts: outcome.value, contactsError: null } : { contactsError: outcome.message },
      )
    },

    saveWalletContact: (contact) =>
      run('saveContact', () => api.call('wallet.saveContact', contact), contactsPatch),

    removeWalletContact: (address) =>
      run('removeContact', () => api.call('wallet.removeContact', { address }), contactsPatch),
  }
  return actions
}

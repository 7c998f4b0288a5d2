/**
 * The Wallet view: the person's own wallet on this node. Without one, ways to start; a wallet just made,
 * its recovery words until they are confirmed; otherwise its balance and accounts, locked or not.
 */
import { useEffect, useState } from 'react'
import type { WalletStatus } from '../../../../shared/api'
import { useHyperMesh } from '../../store/context'
import {
  selectActions,
  selectConnection,
  selectFreshWallet,
  selectHasLedger,
  selectWalletError,
  selectWalletContacts,
  selectWalletStatus,
} from '../../store/selectors'
import type { FreshWallet } from '../../store/wallet-types'
import { Card, EmptyState } from '../Card'
import { Header } from '../Header'
import { ErrorNotice } from '../Notice'
import { AccountsCard } from './AccountsCard'
import { AddressBookCard } from './AddressBookCard'
import { HistoryCard } from './HistoryCard'
import { NewWalletWords } from './NewWalletWords'
import { PayoutCard } from './PayoutCard'
import { ReceiveCard } from './ReceiveCard'
import { SendCard } from './SendCard'
import { WalletManageCard } from './WalletManageCard'
import { WalletOverview } from './WalletOverview'
import { WalletSetup } from './WalletSetup'

export function WalletView() {
  const actions = useHyperMesh(selectActions)
  const stale = useHyperMesh(selectConnection) === 'reconnecting'
  useEffect(() => actions.watchWallet(), [actions])
  return (
    <div className="app">
      <Header />
      <main className={`grid wallet-view ${stale ? 'is-stale' : ''}`} aria-busy={stale}>
        <WalletContent />
      </main>
    </div>
  )
}

function WalletContent() {
  const status = useHyperMesh(selectWalletStatus)
  const fresh = useHyperMesh(selectFreshWallet)
  const error = useHyperMesh(selectWalletError)
  const ledger = useHyperMesh(selectHasLedger)
  return <WalletScreen status={status} fresh={fresh} error={error ?? null} ledger={ledger} />
}

/** What the view shows for the wallet as it stands (and a new wallet's words, or why it could not be read). */
export function WalletScreen({
  status,
  fresh,
  error,
  ledger,
}: {
  status: WalletStatus | null
  fresh: FreshWallet | null
  error: string | null
  /** Whether the node follows a ledger, so that an account it does not list there holds 0. */
  ledger: boolean
}) {
  if (fresh != null) return <NewWalletWords fresh={fresh} />
  if (status == null)
    return (
      <Card title="Your wallet" className="span-12">
        {error == null ? (
          <EmptyState>Reading your wallet…</EmptyState>
        ) : (
          <ErrorNotice headline="The wallet could not be read" role="status">
            {error}
          </ErrorNotice>
        )}
      </Card>
    )
  // Without a wallet, the node's own account still has a history to show.
  if (!status.exists)
    return (
      <>
        <WalletSetup />
        {ledger && <HistoryCard accounts={[]} />}
      </>
    )
  return <WalletCards status={status} ledger={ledger} />
}

/** A wallet that exists: sending (once unlocked) beside the address book, receiving, its accounts. */
function WalletCards({ status, ledger }: { status: WalletStatus; ledger: boolean }) {
  const contacts = useHyperMesh(selectWalletContacts)
  // Kept here, not in the Send form, so that picking a contact in the address book fills it in.
  const [sendTo, setSendTo] = useState('')
  return (
    <>
      <WalletOverview status={status} ledger={ledger} />
      {!status.locked && (
        <SendCard
          accounts={status.accounts}
          ledger={ledger}
          contacts={contacts}
          to={sendTo}
          onToChange={setSendTo}
        />
      )}
      <AddressBookCard onPick={status.locked ? null : setSendTo} />
      <AccountsCard accounts={status.accounts} locked={status.locked} ledger={ledger} />
      <ReceiveCard accounts={status.accounts} />
      {ledger && <PayoutCard accounts={status.accounts} />}
      <WalletManageCard locked={status.locked} />
      <HistoryCard accounts={status.accounts} />
    </>
  )
}

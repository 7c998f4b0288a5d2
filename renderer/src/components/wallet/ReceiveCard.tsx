/**
 * Receive: an account's address to give to whoever pays, to copy or to scan. Receiving signs nothing, so
 * it is here while the wallet is locked too.
 */
import { useId, useRef, useState } from 'react'
import type { WalletAccount } from '../../../../shared/api'
import { Card } from '../Card'
import { CopyButton } from '../CopyButton'
import { AddressQr } from './AddressQr'

export function ReceiveCard({ accounts }: { accounts: readonly WalletAccount[] }) {
  const id = useId()
  const [picked, setPicked] = useState(0)
  const shown = useRef<HTMLElement>(null)
  const account = accounts.find((a) => a.index === picked) ?? accounts[0]
  if (account == null) return null
  const name = `account ${account.index + 1}`
  return (
    <Card title="Receive" className="span-5" testId="wallet-receive">
      {accounts.length > 1 && (
        <span className="field">
          <label htmlFor={id}>To account</label>
          <select id={id} value={account.index} onChange={(e) => setPicked(Number(e.target.value))}>
            {accounts.map((a) => (
              <option key={a.index} value={a.index}>
                Account {a.index + 1}
              </option>
            ))}
          </select>
        </span>
      )}
      <p className="muted">Give this address to whoever sends you CAESAR on this network.</p>
      <div className="receive-address">
        <code className="mono" ref={shown} data-testid="receive-address">
          {account.address}
        </code>
        {/* Where the clipboard is refused, the button selects the address for Ctrl+C instead. */}
        <CopyButton text={account.address} target={shown} what={`address of ${name}`} testId="receive-copy" />
      </div>
      <AddressQr address={account.address} label={`QR code of the address of ${name}`} />
    </Card>
  )
}

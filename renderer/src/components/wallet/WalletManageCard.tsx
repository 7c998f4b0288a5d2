/**
 * What a person does less often, each behind its own heading: change the passphrase (once unlocked), and
 * put another wallet in this one's place, from a backup file or from recovery words.
 */
import type { ReactNode } from 'react'
import { Card } from '../Card'
import { ChangePassphraseForm } from './ChangePassphraseForm'
import { ImportBackupForm } from './ImportBackupForm'
import { RestoreWalletForm } from './RestoreWalletForm'

export function WalletManageCard({ locked }: { locked: boolean }) {
  return (
    <Card title="Passphrase and other wallets" className="span-5" testId="wallet-manage">
      {!locked && (
        <Section title="Change passphrase">
          <ChangePassphraseForm />
        </Section>
      )}
      <Section title="Import a backup file">
        <ImportBackupForm replacing />
      </Section>
      <Section title="Restore from recovery words">
        <RestoreWalletForm replacing />
      </Section>
    </Card>
  )
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <details className="wallet-section">
      <summary>{title}</summary>
      <div className="wallet-section-body">{children}</div>
    </details>
  )
}

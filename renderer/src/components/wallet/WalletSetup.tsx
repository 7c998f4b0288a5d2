/** No wallet yet: make one, restore one from its recovery words, or import a backup file. */
import { useState } from 'react'
import { Card } from '../Card'
import { CreateWalletForm } from './CreateWalletForm'
import { ImportBackupForm } from './ImportBackupForm'
import { RestoreWalletForm } from './RestoreWalletForm'

type Way = 'create' | 'restore' | 'import'

const WAYS: { way: Way; title: string; text: string }[] = [
  { way: 'create', title: 'Create a wallet', text: 'New recovery words, made on this node.' },
  { way: 'restore', title: 'Restore from recovery words', text: 'The 24 words of a wallet you have.' },
  { way: 'import', title: 'Import a backup file', text: 'A wallet file exported from HyperMesh.' },
]

export function WalletSetup() {
  const [way, setWay] = useState<Way>('create')
  const chosen = WAYS.find((w) => w.way === way)!
  return (
    <>
      <Card title="A wallet of your own" className="span-12" testId="wallet-setup">
        <p className="lead">
          This node keeps no wallet yet. A wallet holds your CAESAR accounts, apart from the node’s own keys;
          it is sealed on this node under a passphrase only you know.
        </p>
        <div className="wallet-ways" role="group" aria-label="How to start">
          {WAYS.map(({ way: w, title, text }) => (
            <button
              key={w}
              type="button"
              className={`wallet-way ${w === way ? 'is-chosen' : ''}`}
              aria-pressed={w === way}
              onClick={() => setWay(w)}
            >
              <strong>{title}</strong>
              <span className="muted">{text}</span>
            </button>
          ))}
        </div>
      </Card>
      <Card title={chosen.title} className="span-12 wallet-form-card" testId={`wallet-${way}`}>
        {way === 'create' && <CreateWalletForm />}
        {way === 'restore' && <RestoreWalletForm replacing={false} />}
        {way === 'import' && <ImportBackupForm replacing={false} />}
      </Card>
    </>
  )
}

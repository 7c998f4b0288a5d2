import { useEffect } from 'react'
import { AuthRequired } from './components/AuthRequired'
import { Dashboard } from './components/Dashboard'
import { ExchangeView } from './components/exchange/ExchangeView'
import { JobsView } from './components/jobs/JobsView'
import { WalletView } from './components/wallet/WalletView'
import { useView } from './lib/view'
import { useHyperMesh, useHyperMeshStore } from './store/context'
import { selectAuthRequired } from './store/selectors'

/** Starts the store (events and polling) for as long as the app is shown. */
export function App() {
  const store = useHyperMeshStore()
  const authRequired = useHyperMesh(selectAuthRequired)
  const view = useView()

  useEffect(() => store.getState().actions.start(), [store])

  if (authRequired) return <AuthRequired refused />
  if (view === 'jobs') return <JobsView />
  if (view === 'wallet') return <WalletView />
  if (view === 'exchange') return <ExchangeView />
  return <Dashboard />
}

import { useEffect } from 'react'
import { AuthRequired } from './components/AuthRequired'
import { Dashboard } from './components/Dashboard'
import { useHyperMesh, useHyperMeshStore } from './store/context'
import { selectAuthRequired } from './store/selectors'

/** Starts the store (events and polling) for as long as the app is shown. */
export function App() {
  const store = useHyperMeshStore()
  const authRequired = useHyperMesh(selectAuthRequired)

  useEffect(() => store.getState().actions.start(), [store])

  return authRequired ? <AuthRequired refused /> : <Dashboard />
}

import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { connect } from './api/connect'
import { App } from './App'
import { AuthRequired } from './components/AuthRequired'
import { StoreProvider } from './store/context'
import { createHyperMeshStore } from './store/store'
import './styles/index.css'

const root = createRoot(document.getElementById('root')!)
const connection = connect()

if (connection.kind === 'auth-required') {
  root.render(
    <StrictMode>
      <AuthRequired />
    </StrictMode>,
  )
} else {
  const store = createHyperMeshStore(connection.api)
  connection.link.subscribe((state) => store.getState().actions.setLink(state))
  // A refused token is final for this page: stop reconnecting and forget it, so a reload asks for a new one.
  const unsubscribe = store.subscribe((state) => {
    if (state.connection !== 'auth-required') return
    unsubscribe()
    connection.dispose()
  })
  root.render(
    <StrictMode>
      <StoreProvider store={store}>
        <App />
      </StoreProvider>
    </StrictMode>,
  )
}

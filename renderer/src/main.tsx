import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { connect } from './api/connect'
import { App } from './App'
import { AuthRequired } from './components/AuthRequired'
import { startPageGpuHost } from './gpu/page-gpu-host'
import { StoreProvider } from './store/context'
import { createHyperMeshStore } from './store/store'
import './styles/index.css'

const root = createRoot(document.getElementById('root')!)
const connection = connect()
/** The desktop app's hidden GPU window (main/gpu-window.ts) loads this page only to lend its GPU. */
const gpuHostOnly = new URLSearchParams(location.search).has('gpu-host')

if (connection.kind === 'ready' && (gpuHostOnly || connection.carrier === 'websocket')) {
  // The page lends its WebGPU adapter to its node for GPU jobs: in a browser the UI page itself, in the
  // desktop app the hidden GPU window (so the main window need not be open).
  startPageGpuHost(connection.api, navigator.gpu)
}

if (gpuHostOnly) {
  root.render(<p>HyperMesh GPU host</p>)
} else if (connection.kind === 'auth-required') {
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

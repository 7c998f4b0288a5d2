/// <reference types="vite/client" />
import type { HyperMeshBridge } from '../../shared/api'

declare global {
  interface Window {
    /** Present only in the Electron window: the preload exposes exactly the shared bridge. */
    hypermesh?: HyperMeshBridge
  }
}

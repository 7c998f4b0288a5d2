/**
 * `window.hypermesh`, as preload/index.ts exposes it. Absent in browser mode (the renderer then uses the
 * local API carrier), hence optional.
 */
import type { HyperMeshBridge } from '../shared/api'

declare global {
  interface Window {
    hypermesh?: HyperMeshBridge
  }
}

export {}

/** Hands the store to components: `<StoreProvider store={…}>` once, `useHyperMesh(selector)` anywhere below. */
import { createContext, useContext, type ReactNode } from 'react'
import { useStore } from 'zustand'
import type { HyperMeshState, HyperMeshStore } from './types'

const StoreContext = createContext<HyperMeshStore | null>(null)

export function StoreProvider({ store, children }: { store: HyperMeshStore; children: ReactNode }) {
  return <StoreContext.Provider value={store}>{children}</StoreContext.Provider>
}

export function useHyperMeshStore(): HyperMeshStore {
  const store = useContext(StoreContext)
  if (store == null) throw new Error('useHyperMesh must be used inside <StoreProvider>')
  return store
}

export function useHyperMesh<T>(selector: (state: HyperMeshState) => T): T {
  return useStore(useHyperMeshStore(), selector)
}

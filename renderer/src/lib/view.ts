/**
 * Which view the app shows, kept in the URL's fragment (`#/jobs`) so a reload or a link opens it again.
 * The access token also rides in the fragment once (`#token=…`) and is scrubbed before the app renders.
 */
import { useSyncExternalStore } from 'react'

export const VIEWS = ['dashboard', 'jobs', 'wallet', 'exchange'] as const
export type View = (typeof VIEWS)[number]

export const VIEW_LABELS: Record<View, string> = {
  dashboard: 'Dashboard',
  jobs: 'Jobs',
  wallet: 'Wallet',
  exchange: 'Exchange',
}

/** The view a fragment names: `#/jobs`, `#/wallet` (or `#/jobs?…`, `#/jobs&…`); anything else is the dashboard. */
export function parseView(hash: string): View {
  const path = /^#\/([a-z]+)/.exec(hash)?.[1]
  return VIEWS.find((view) => view === path) ?? 'dashboard'
}

export const viewHash = (view: View): string => (view === 'dashboard' ? '#/' : `#/${view}`)

const subscribe = (onChange: () => void): (() => void) => {
  window.addEventListener('hashchange', onChange)
  return () => window.removeEventListener('hashchange', onChange)
}

/** The view shown now, following the fragment (back and forward included). */
export function useView(): View {
  return useSyncExternalStore(
    subscribe,
    () => parseView(window.location.hash),
    () => 'dashboard',
  )
}

export function showView(view: View): void {
  window.location.hash = viewHash(view)
}

/**
 * For component tests that render once, statically: no effect runs, so nothing is called and the bridge
 * needs no handlers (the store shows its initial state: what a test shows goes in by props).
 */
import type { ReactNode } from 'react'
import { renderToStaticMarkup } from 'react-dom/server'
import { createApiClient } from '../../../shared/client'
import { StoreProvider } from '../store/context'
import { alwaysVisible } from '../store/polling'
import { createHyperMeshStore } from '../store/store'
import { createFakeBridge } from './fake-bridge'

/** The markup of `children` under a fresh store. */
export function withStore(children: ReactNode): string {
  const store = createHyperMeshStore(createApiClient(createFakeBridge()), { visibility: alwaysVisible })
  return renderToStaticMarkup(<StoreProvider store={store}>{children}</StoreProvider>)
}

/** The text of some markup, as read: tags as spaces, runs of space as one. */
export const text = (html: string): string =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()

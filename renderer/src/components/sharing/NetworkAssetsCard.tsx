/**
 * Assets registered on this network's ledger: what other peers offer, and where to reach it. A peer's
 * assets that are on no ledger this node reads (trusted-peer and fully public ones) are found by asking
 * that peer, by its id, address or a proxy address: it shows what its privacy levels allow this node.
 */
import { useState, type FormEvent } from 'react'
import { formatBytes, shortId } from '../../lib/format'
import { useAsyncAction } from '../../lib/use-async-action'
import { useHyperMesh } from '../../store/context'
import { selectActions, selectDiscovered } from '../../store/selectors'
import { Card, EmptyState } from '../Card'
import { CopyButton } from '../CopyButton'
import { ErrorNotice } from '../Notice'
import type { DiscoveredAsset } from '../../../../shared/api'

const capacityText = (a: DiscoveredAsset): string =>
  a.resource === 'memory' || a.resource === 'storage'
    ? formatBytes(Number(a.capacity))
    : `${(Number(a.capacity) / 1000).toFixed(2)} ${a.resource === 'cpu' ? 'cores' : 'GPU'}`

export function NetworkAssetsCard() {
  const assets = useHyperMesh(selectDiscovered)
  return (
    <Card title="Assets on this network" className="span-12" testId="network-assets">
      {assets.length === 0 ? (
        <EmptyState>No asset is registered on this network’s ledger yet.</EmptyState>
      ) : (
        <AssetList assets={assets} testId="network-asset" />
      )}
      <AskPeerForm />
    </Card>
  )
}

function AssetList({ assets, testId }: { assets: DiscoveredAsset[]; testId: string }) {
  return (
    <ul className="network-assets">
      {assets.map((a) => (
        <li key={a.assetId} data-testid={testId}>
          <strong>{a.resource.toUpperCase()}</strong> {capacityText(a)} · {a.privacy} · peer{' '}
          <code className="mono" title={a.peerId}>
            {shortId(a.peerId)}
          </code>
          {a.isOwn && <span className="badge badge-own">yours</span>}
          {a.proxyAddress != null && (
            <>
              {' '}
              · <code className="mono">{a.proxyAddress}</code>{' '}
              <CopyButton text={a.proxyAddress} what="proxy address" compact />
            </>
          )}
        </li>
      ))}
    </ul>
  )
}

function AskPeerForm() {
  const actions = useHyperMesh(selectActions)
  const [peer, setPeer] = useState('')
  const { busy, value: listed, error, run } = useAsyncAction<DiscoveredAsset[]>()
  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault()
    await run(() => actions.discoverFrom(peer.trim()))
  }
  return (
    <form className="lease-form" onSubmit={(e) => void submit(e)} data-testid="ask-peer-form">
      <h3 className="subhead">Ask a peer what it shares with this node</h3>
      <div className="form-row">
        <input
          className="mono"
          value={peer}
          onChange={(e) => setPeer(e.target.value)}
          placeholder="peer id, address (…/p2p/…) or proxy address"
          spellCheck={false}
          data-testid="ask-peer"
        />
        <button type="submit" className="button" disabled={busy || peer.trim() === ''}>
          {busy ? 'Asking…' : 'Ask'}
        </button>
      </div>
      {error != null && (
        <ErrorNotice headline="No answer" testId="ask-peer-error">
          {error}
        </ErrorNotice>
      )}
      {listed != null &&
        (listed.length === 0 ? (
          <EmptyState>That peer shares nothing with this node.</EmptyState>
        ) : (
          <AssetList assets={listed} testId="listed-asset" />
        ))}
    </form>
  )
}

/** Registers a shared resource on the ledger (with its four proofs), for levels that are announced. */
import type { ResourceKind, SharingSettings } from '../../../../shared/api'
import { useHyperMesh } from '../../store/context'
import {
  selectActions,
  selectDiscovered,
  selectOwnAssets,
  selectRegisterResult,
  selectRegistering,
} from '../../store/selectors'

export function RegisterAsset({ kind, settings }: { kind: ResourceKind; settings: SharingSettings }) {
  const actions = useHyperMesh(selectActions)
  const busy = useHyperMesh(selectRegistering) === kind
  const result = useHyperMesh(selectRegisterResult)
  const own = useHyperMesh(selectOwnAssets).find((a) => a.resource === kind)
  const registered = useHyperMesh(selectDiscovered).some((d) => own != null && d.assetId === own.assetId)
  const announced = settings.privacy !== 'Private' && settings.privacy !== 'P2P'
  if (registered)
    return (
      <p className="hint" data-testid="asset-registered">
        Registered on the ledger.
      </p>
    )
  return (
    <div className="register-asset">
      <button
        type="button"
        className="button"
        disabled={busy || !settings.enabled || !announced}
        title={!announced ? 'Private and trusted-peer resources are not announced on the ledger' : undefined}
        onClick={() => void actions.registerAsset(kind)}
        data-testid="register-asset"
      >
        {busy ? 'Proving…' : 'Register on the ledger'}
      </button>
      {result?.resource === kind && (
        <span
          className={result.ok ? 'hint' : 'notice-inline-error'}
          role={result.ok ? 'status' : 'alert'}
          data-testid="register-result"
        >
          {result.ok ? `Registration ${result.message}` : `Not registered: ${result.message}`}
        </span>
      )}
    </div>
  )
}

/**
 * One resource's terms as a form: edited as a draft, applied with one button (the node checks them
 * against this machine and says what to change), and reset to what the node holds.
 */
import { useState, type FormEvent } from 'react'
import {
  formatCaesar,
  parseCaesar,
  PROOF_KINDS,
  type ResourceKind,
  type ResourceSharingState,
  type SharingSettings,
} from '../../../../shared/api'
import { useHyperMesh } from '../../store/context'
import {
  selectActions,
  selectSharingErrors,
  selectSharingSaved,
  selectSharingSaving,
} from '../../store/selectors'
import { ErrorNotice, SuccessNotice } from '../Notice'
import { EarningsEstimate } from './EarningsEstimate'
import { Enforcement } from './Enforcement'
import { GiBField, NumberField, Toggle } from './fields'
import { PrivacyPicker } from './PrivacyPicker'
import { RegisterAsset } from './RegisterAsset'
import { TimeWindows } from './TimeWindows'

const PROOF_NAMES = { space: 'PoSpace', stake: 'PoStake', work: 'PoWork', time: 'PoTime' } as const
const lines = (text: string): string[] =>
  text
    .split(/[\s,]+/)
    .map((t) => t.trim())
    .filter(Boolean)

export function ResourceTerms({ kind, resource }: { kind: ResourceKind; resource: ResourceSharingState }) {
  const actions = useHyperMesh(selectActions)
  const saving = useHyperMesh(selectSharingSaving) === kind
  const error = useHyperMesh(selectSharingErrors)[kind]
  const saved = useHyperMesh(selectSharingSaved) === kind
  // The node's terms are shown until the user edits; then the edits, until applied or reset.
  const [edits, setEdits] = useState<SharingSettings | null>(null)
  const [priceEdit, setPriceEdit] = useState<string | null>(null)
  const [priceError, setPriceError] = useState(false)
  const draft = edits ?? resource.settings
  const price = priceEdit ?? formatCaesar(resource.settings.minPricePerHour)
  const dirty = edits != null || priceEdit != null
  const reset = (): void => {
    setEdits(null)
    setPriceEdit(null)
  }

  const edit = (patch: Partial<SharingSettings>): void => setEdits({ ...draft, ...patch })
  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault()
    const minPricePerHour = parseCaesar(price)
    setPriceError(minPricePerHour == null)
    if (minPricePerHour == null) return
    if (await actions.updateSharing(kind, { ...draft, minPricePerHour })) reset()
  }

  return (
    <form className="resource-terms" onSubmit={(e) => void submit(e)} data-testid={`terms-${kind}`}>
      <Toggle
        label={`Share this ${kind === 'cpu' || kind === 'gpu' ? kind.toUpperCase() : kind}`}
        checked={draft.enabled}
        onChange={(enabled) => edit({ enabled })}
        testId="share-toggle"
      />
      <AllocationSlider
        value={draft.allocationPercent}
        onChange={(allocationPercent) => edit({ allocationPercent })}
      />
      <ScheduleFields draft={draft} edit={edit} />
      <LimitFields kind={kind} draft={draft} edit={edit} />
      <PrivacyPicker
        name={`privacy-${kind}`}
        value={draft.privacy}
        onChange={(privacy) => edit({ privacy })}
      />
      {(draft.privacy === 'PrivateNetwork' || draft.privacy === 'PublicNetwork') && (
        <ListField
          label="Networks (ids, one per line)"
          value={draft.networks}
          onChange={(networks) => edit({ networks })}
        />
      )}
      {draft.privacy === 'P2P' && (
        <ListField
          label="Trusted peers (peer ids, or proxy addresses of their assets; one per line)"
          value={draft.trustedPeers}
          onChange={(trustedPeers) => edit({ trustedPeers })}
        />
      )}
      <LeaseFields draft={draft} edit={edit} price={price} setPrice={setPriceEdit} />
      <EarningsEstimate kind={kind} draft={draft} applied={resource.settings} />
      <div className="form-actions">
        <button
          type="submit"
          className="button button-primary"
          disabled={saving || !dirty}
          data-testid="apply-sharing"
        >
          {saving ? 'Applying…' : 'Apply'}
        </button>
        <button type="button" className="button" disabled={!dirty} onClick={reset}>
          Reset
        </button>
      </div>
      {(priceError || error != null) && (
        <ErrorNotice headline="Not applied" testId="sharing-error">
          {priceError
            ? 'the minimum price is an amount of CAESAR, with at most six decimals.'
            : error?.message}
        </ErrorNotice>
      )}
      {saved && !dirty && (
        <SuccessNotice testId="sharing-saved">
          Applied and saved: the node enforces these terms now.
        </SuccessNotice>
      )}
      <RegisterAsset kind={kind} settings={resource.settings} />
      <Enforcement resource={resource} kind={kind} />
    </form>
  )
}

function AllocationSlider({ value, onChange }: { value: number; onChange(value: number): void }) {
  return (
    <label className="slider">
      <span>
        Allocation <strong data-testid="allocation-value">{value} %</strong>
      </span>
      <input
        type="range"
        min={0}
        max={100}
        step={1}
        value={value}
        onChange={(e) => onChange(Number(e.target.value))}
        data-testid="allocation-slider"
      />
    </label>
  )
}

type EditProps = { draft: SharingSettings; edit(patch: Partial<SharingSettings>): void }

function ScheduleFields({ draft, edit }: EditProps) {
  return (
    <div className="field-group">
      <TimeWindows windows={draft.windows} onChange={(windows) => edit({ windows })} />
      <div className="form-row">
        <NumberField
          label="Only when idle for"
          unit="minutes, 0: always"
          value={draft.idleMinutes}
          min={0}
          max={240}
          onChange={(v) => edit({ idleMinutes: v ?? 0 })}
        />
        <Toggle
          label="Pause when I use the computer"
          checked={draft.pauseWhenInUse}
          onChange={(pauseWhenInUse) => edit({ pauseWhenInUse })}
        />
      </div>
    </div>
  )
}

function LimitFields({ kind, draft, edit }: EditProps & { kind: ResourceKind }) {
  return (
    <div className="form-row">
      {(kind === 'cpu' || kind === 'gpu') && (
        <NumberField
          label="Pause above"
          unit="°C"
          optional
          value={draft.pauseAboveCelsius}
          min={40}
          max={105}
          onChange={(pauseAboveCelsius) => edit({ pauseAboveCelsius })}
          testId="temperature-limit"
        />
      )}
      {kind === 'memory' && (
        <>
          <GiBField
            label="Memory while in use"
            optional
            placeholder="allocation"
            value={draft.memoryInUseBytes}
            onChange={(memoryInUseBytes) => edit({ memoryInUseBytes })}
          />
          <GiBField
            label="Memory while idle"
            optional
            placeholder="allocation"
            value={draft.memoryIdleBytes}
            onChange={(memoryIdleBytes) => edit({ memoryIdleBytes })}
          />
        </>
      )}
      {kind === 'storage' && (
        <>
          <GiBField
            label="Disk quota"
            optional
            value={draft.diskQuotaBytes}
            onChange={(diskQuotaBytes) => edit({ diskQuotaBytes })}
          />
          <GiBField
            label="Keep free"
            value={draft.keepFreeBytes}
            onChange={(v) => edit({ keepFreeBytes: v ?? 0 })}
          />
        </>
      )}
      <NumberField
        label="Upload cap"
        unit="Mbit/s"
        optional
        value={draft.uploadMbps}
        onChange={(uploadMbps) => edit({ uploadMbps })}
      />
      <NumberField
        label="Download cap"
        unit="Mbit/s"
        optional
        value={draft.downloadMbps}
        onChange={(downloadMbps) => edit({ downloadMbps })}
      />
    </div>
  )
}

function LeaseFields({
  draft,
  edit,
  price,
  setPrice,
}: EditProps & { price: string; setPrice(p: string): void }) {
  return (
    <div className="field-group">
      <div className="form-row">
        <NumberField
          label="Leases at once"
          value={draft.maxLeases}
          min={1}
          max={64}
          onChange={(v) => edit({ maxLeases: v ?? 1 })}
        />
        <span className="field">
          <label>
            Minimum price <span className="unit">(CAESAR per hour)</span>
            <input inputMode="decimal" value={price} onChange={(e) => setPrice(e.target.value)} />
          </label>
        </span>
        <Toggle
          label="Reachable through other peers’ proxies"
          checked={draft.relayThroughPeers}
          onChange={(relayThroughPeers) => edit({ relayThroughPeers })}
        />
      </div>
      <div className="proofs">
        <span className="field-label">A lease must carry</span>
        {PROOF_KINDS.map((proof) => (
          <Toggle
            key={proof}
            label={PROOF_NAMES[proof]}
            checked={draft.requiredProofs.includes(proof)}
            onChange={(on) =>
              edit({
                requiredProofs: on
                  ? PROOF_KINDS.filter((p) => p === proof || draft.requiredProofs.includes(p))
                  : draft.requiredProofs.filter((p) => p !== proof),
              })
            }
          />
        ))}
      </div>
    </div>
  )
}

function ListField({
  label,
  value,
  onChange,
}: {
  label: string
  value: string[]
  onChange(value: string[]): void
}) {
  return (
    <label className="field list-field">
      {label}
      <textarea
        className="mono"
        rows={3}
        value={value.join('\n')}
        onChange={(e) => onChange(lines(e.target.value))}
        spellCheck={false}
      />
    </label>
  )
}

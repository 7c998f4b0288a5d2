/**
 * Leases by hand: sign one for a peer on this node's shared CPU, GPU, memory or storage (the lease text is then
 * given to that peer), and use one issued to this node, to see that it works.
 */
import { useId, useState, type FormEvent } from 'react'
import {
  RESOURCE_KINDS,
  type IssuedLease,
  type LeaseProbeResult,
  type ResourceKind,
} from '../../../../shared/api'
import { useAsyncAction } from '../../lib/use-async-action'
import { useHyperMesh } from '../../store/context'
import { selectActions } from '../../store/selectors'
import { Card } from '../Card'
import { CopyButton } from '../CopyButton'
import { ErrorNotice, SuccessNotice } from '../Notice'

const MiB = 1024 * 1024
const AMOUNT_LABELS: Record<ResourceKind, string> = {
  memory: 'MiB',
  storage: 'MiB',
  cpu: 'Cores',
  gpu: 'GPU %',
}
const DEFAULT_AMOUNTS: Record<ResourceKind, string> = { memory: '64', storage: '64', cpu: '1', gpu: '25' }

/** The request's amount: bytes for memory and storage, thousandths of a core for CPU and GPU. */
function amountOf(kind: ResourceKind, value: number): { amountBytes: number } | { millicores: number } {
  if (kind === 'cpu') return { millicores: Math.round(value * 1000) }
  if (kind === 'gpu') return { millicores: Math.round(value * 10) }
  return { amountBytes: Math.round(value * MiB) }
}

const shareText = (kind: ResourceKind, millicores: number): string =>
  kind === 'gpu' ? `${millicores / 10} % of a GPU` : `${millicores / 1000} cores`

export function LeasesCard() {
  return (
    <Card title="Leases" className="span-12" testId="leases-card">
      <IssueLeaseForm />
      <UseLeaseForm />
    </Card>
  )
}

function IssueLeaseForm() {
  const actions = useHyperMesh(selectActions)
  const [holder, setHolder] = useState('')
  const [resource, setResource] = useState<ResourceKind>('memory')
  // MiB for memory and storage, cores for CPU, percent of the GPU.
  const [amount, setAmount] = useState('64')
  const [minutes, setMinutes] = useState('60')
  const { value: issued, error, run } = useAsyncAction<IssuedLease>()
  const ids = { holder: useId(), amount: useId(), minutes: useId() }
  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault()
    await run(() =>
      actions.issueLease({
        holder: holder.trim(),
        resource,
        ...amountOf(resource, Number(amount)),
        minutes: Math.round(Number(minutes)),
      }),
    )
  }
  return (
    <form className="lease-form" onSubmit={(e) => void submit(e)} data-testid="issue-lease-form">
      <h3 className="subhead">Lease this node’s {resource} to a peer</h3>
      <div className="form-row">
        <span className="field">
          <label htmlFor={ids.holder}>Peer id or proxy address</label>
          <input
            id={ids.holder}
            className="mono"
            value={holder}
            onChange={(e) => setHolder(e.target.value)}
            spellCheck={false}
            data-testid="lease-holder"
          />
        </span>
        <span className="field">
          <label>Resource</label>
          <select
            value={resource}
            onChange={(e) => {
              const kind = e.target.value as ResourceKind
              setResource(kind)
              setAmount(DEFAULT_AMOUNTS[kind])
            }}
            data-testid="lease-resource"
          >
            {RESOURCE_KINDS.map((kind) => (
              <option key={kind} value={kind}>
                {kind}
              </option>
            ))}
          </select>
        </span>
        <span className="field">
          <label htmlFor={ids.amount}>{AMOUNT_LABELS[resource]}</label>
          <input
            id={ids.amount}
            type="number"
            min={0}
            step="any"
            value={amount}
            onChange={(e) => setAmount(e.target.value)}
            data-testid="lease-amount"
          />
        </span>
        <span className="field">
          <label htmlFor={ids.minutes}>Minutes</label>
          <input
            id={ids.minutes}
            type="number"
            min={1}
            value={minutes}
            onChange={(e) => setMinutes(e.target.value)}
          />
        </span>
        <button type="submit" className="button button-primary" data-testid="issue-lease">
          Sign lease
        </button>
      </div>
      {error != null && (
        <ErrorNotice headline="No lease" testId="lease-error">
          {error}
        </ErrorNotice>
      )}
      {issued != null && (
        <SuccessNotice>
          Signed with this node’s FALCON-1024 key; valid until {new Date(issued.expiresAt).toLocaleString()}.
          Give this text to the peer: <CopyButton text={issued.lease} what="lease" compact />
          <textarea
            className="mono lease-text"
            readOnly
            rows={3}
            value={issued.lease}
            data-testid="lease-text"
          />
        </SuccessNotice>
      )}
    </form>
  )
}

function UseLeaseForm() {
  const actions = useHyperMesh(selectActions)
  const [lease, setLease] = useState('')
  const [address, setAddress] = useState('')
  const { busy, value: result, error, run } = useAsyncAction<LeaseProbeResult>()
  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault()
    await run(() => actions.probeLease({ lease: lease.trim(), address: address.trim() || undefined }))
  }
  return (
    <form className="lease-form" onSubmit={(e) => void submit(e)} data-testid="use-lease-form">
      <h3 className="subhead">Try a lease issued to this node</h3>
      <textarea
        className="mono lease-text"
        rows={3}
        value={lease}
        onChange={(e) => setLease(e.target.value)}
        placeholder="the lease text its owner gave you"
        data-testid="probe-lease"
      />
      <div className="form-row">
        <input
          className="mono"
          value={address}
          onChange={(e) => setAddress(e.target.value)}
          placeholder="the owner’s address or the asset’s proxy address, if not connected (optional)"
          data-testid="probe-address"
        />
        <button
          type="submit"
          className="button"
          disabled={busy || lease.trim() === ''}
          data-testid="probe-button"
        >
          {busy ? 'Trying…' : 'Try it'}
        </button>
      </div>
      {error != null && (
        <ErrorNotice headline="Did not work" testId="probe-error">
          {error}
        </ErrorNotice>
      )}
      {result != null && (
        <SuccessNotice testId="probe-ok">
          {result.reservedMillicores != null ? (
            <>
              Works: the owner reserved {shareText(result.resource, result.reservedMillicores)} of its{' '}
              {result.resource.toUpperCase()} for this node while the lease was held ({result.ms.toFixed(0)}{' '}
              ms). {result.enforcement}.
            </>
          ) : (
            <>
              Works: wrote and read back {result.bytes / 1024} KiB of the owner’s {result.resource} in{' '}
              {result.ms.toFixed(0)} ms.
            </>
          )}
        </SuccessNotice>
      )}
    </form>
  )
}

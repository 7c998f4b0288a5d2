/**
 * Files stored on peers: pick a file and it is sealed for this node, erasure-coded and put on peers of
 * the network that grant storage; each stored file can be fetched back, its holders challenged, or removed.
 */
import { useRef, useState, type ChangeEvent } from 'react'
import type { HolderCheck, StoredFileInfo } from '../../../../shared/api'
import { formatBytes } from '../../lib/format'
import { useHyperMesh } from '../../store/context'
import { selectActions, selectFileTransfer, selectStoredFiles } from '../../store/selectors'
import { Card, EmptyState } from '../Card'
import { DataTable, type Column } from '../DataTable'
import { Meter } from '../Meter'

const PHASES = {
  uploading: 'Sending to the node',
  placing: 'Sealing, sharding and placing on peers',
  fetching: 'Getting the shards back from the holders',
  downloading: 'Reading from the node',
} as const
const COLUMNS: Column[] = [
  { label: 'Name' },
  { label: 'Size' },
  { label: 'Holders' },
  { label: 'Kept until' },
  {},
]

export function FilesCard() {
  const files = useHyperMesh(selectStoredFiles)
  const transfer = useHyperMesh(selectFileTransfer)
  const actions = useHyperMesh(selectActions)
  const [notice, setNotice] = useState<{ ok: boolean; text: string } | null>(null)
  const input = useRef<HTMLInputElement>(null)

  const store = async (event: ChangeEvent<HTMLInputElement>): Promise<void> => {
    const file = event.target.files?.[0]
    event.target.value = ''
    if (file == null) return
    setNotice(null)
    const outcome = await actions.storeFile(file.name, new Uint8Array(await file.arrayBuffer()))
    setNotice(
      outcome.ok
        ? {
            ok: true,
            text: `Stored “${outcome.value.name}”: sealed for this node, ${outcome.value.k} of ${outcome.value.n} holders give it back.`,
          }
        : { ok: false, text: `Not stored: ${outcome.message}` },
    )
  }

  return (
    <Card title="Files on peers" className="span-12" testId="files-card">
      <div className="form-row">
        <input ref={input} type="file" hidden onChange={(e) => void store(e)} data-testid="file-input" />
        <button
          type="button"
          className="button button-primary"
          disabled={transfer != null}
          onClick={() => input.current?.click()}
        >
          Store a file…
        </button>
        <span className="muted">
          Encrypted for this node (ML-KEM-1024), erasure-coded and placed on peers that share storage; up to
          64 MiB. Holders keep a file for as long as its leases run, and this node renews them in their last
          week while it runs.
        </span>
      </div>
      {transfer != null && (
        <div className="transfer" role="status" data-testid="file-transfer">
          {PHASES[transfer.phase]}: {transfer.name} ({formatBytes(transfer.done)} of{' '}
          {formatBytes(transfer.total)})
          <Meter percent={(transfer.done / Math.max(1, transfer.total)) * 100} label="file transfer" />
        </div>
      )}
      {notice != null && (
        <div
          className={`notice ${notice.ok ? 'notice-success' : 'notice-error'}`}
          role="status"
          data-testid="file-notice"
        >
          {notice.text}
        </div>
      )}
      {files.length === 0 ? (
        <EmptyState testId="files-empty">No files stored on peers yet.</EmptyState>
      ) : (
        <DataTable testId="file-list" columns={COLUMNS}>
          {files.map((file) => (
            <FileRow key={file.fileId} file={file} busy={transfer != null} onNotice={setNotice} />
          ))}
        </DataTable>
      )}
    </Card>
  )
}

function FileRow({
  file,
  busy,
  onNotice,
}: {
  file: StoredFileInfo
  busy: boolean
  onNotice(notice: { ok: boolean; text: string }): void
}) {
  const actions = useHyperMesh(selectActions)
  const [checks, setChecks] = useState<HolderCheck[] | null>(null)
  const fetch = async (): Promise<void> => {
    const outcome = await actions.fetchFile(file)
    if (!outcome.ok)
      return onNotice({ ok: false, text: `Could not get “${file.name}” back: ${outcome.message}` })
    const url = URL.createObjectURL(new Blob([outcome.value.bytes as Uint8Array<ArrayBuffer>]))
    const link = document.createElement('a')
    link.href = url
    link.download = file.name
    link.click()
    setTimeout(() => URL.revokeObjectURL(url), 60_000)
    const missing = outcome.value.missing.length
    onNotice({
      ok: true,
      text: `Got “${file.name}” back whole${missing > 0 ? `, without ${missing} holder(s) that did not answer` : ''}.`,
    })
  }
  const check = async (): Promise<void> => {
    const outcome = await actions.checkFile(file.fileId)
    if (outcome.ok) setChecks(outcome.value)
    else onNotice({ ok: false, text: `Could not check “${file.name}”: ${outcome.message}` })
  }
  return (
    <tr data-testid="stored-file">
      <td>{file.name}</td>
      <td>{formatBytes(file.size)}</td>
      <td>
        any {file.k} of {file.n}
        {checks != null && (
          <ul className="checks" data-testid="holder-checks">
            {checks.map((c) => (
              <li key={c.peer} className={c.ok ? 'ok' : 'bad'}>
                <code className="mono">…{c.peer.slice(-8)}</code> {c.ok ? 'holds its shard' : c.detail}
              </li>
            ))}
          </ul>
        )}
      </td>
      <td>{new Date(file.expiresAt).toLocaleDateString()}</td>
      <td className="row-actions">
        <button
          type="button"
          className="button"
          disabled={busy}
          onClick={() => void fetch()}
          data-testid="fetch-file"
        >
          Download
        </button>
        <button type="button" className="button" onClick={() => void check()} data-testid="check-file">
          Check holders
        </button>
        <button
          type="button"
          className="button button-danger"
          onClick={() => void actions.removeFile(file.fileId)}
          data-testid="remove-file"
        >
          Remove
        </button>
      </td>
    </tr>
  )
}

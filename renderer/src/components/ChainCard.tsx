import type { BlockCheck, BlockSummary } from '../../../shared/api'
import { formatDuration, shortId } from '../lib/format'
import { useNow } from '../lib/use-now'
import { useHyperMesh } from '../store/context'
import {
  selectActions,
  selectAreaError,
  selectBlockChecks,
  selectBlocks,
  selectChainStatus,
} from '../store/selectors'
import { Card, EmptyState } from './Card'
import { DataTable, type Column } from './DataTable'

const selectChainError = selectAreaError('chain')
const COLUMNS: Column[] = [
  { label: 'Block' },
  { label: 'Age' },
  { label: 'Proposer' },
  { label: 'Txs', num: true },
  { label: 'Proofs' },
  { label: 'Check' },
]

/** The latest blocks of the current network's ledger, each with its four proofs. */
export function ChainCard() {
  const status = useHyperMesh(selectChainStatus)
  const blocks = useHyperMesh(selectBlocks)
  const error = useHyperMesh(selectChainError)
  const aside = status?.available === true && (
    <span className="count" data-testid="chain-height" title="Committed height">
      #{status.height}
    </span>
  )

  return (
    <Card title="Chain" aside={aside} className="span-7" testId="chain-card">
      {error != null && <EmptyState>Could not read the ledger: {error}</EmptyState>}
      {status == null && <EmptyState>Reading the ledger…</EmptyState>}
      {status?.available === false && <EmptyState testId="chain-unavailable">{status.reason}</EmptyState>}
      {status?.available === true && (
        <>
          <p className="hint">
            Every block was checked by this node before it was committed: its commit signatures, the state it
            leads to, and all four proofs. “Verify” checks a block again now.
          </p>
          <DataTable className="blocks" testId="block-list" columns={COLUMNS}>
            {blocks.map((block) => (
              <BlockRow key={block.hash} block={block} />
            ))}
          </DataTable>
          {blocks.length === 0 && <EmptyState>No block yet: the first comes within seconds.</EmptyState>}
        </>
      )}
    </Card>
  )
}

function BlockRow({ block }: { block: BlockSummary }) {
  const now = useNow()
  const { proofs } = block
  return (
    <tr data-testid="block-row" data-height={block.height}>
      <td>
        <code className="mono" title={block.hash}>
          #{block.height} {block.hash.slice(0, 8)}
        </code>
      </td>
      <td>{formatDuration(Math.max(0, now - block.timeMs))}</td>
      <td>
        <code className="mono" title={block.proposer}>
          {shortId(block.proposer, 6, 4)}
        </code>
      </td>
      <td className="num">{block.txCount}</td>
      <td>
        <span className="proofs">
          <ProofChip
            name="PoTime"
            detail={`VDF, ${block.proofs.time.squarings.toLocaleString()} squarings`}
          />
          <ProofChip
            name="PoSpace"
            detail={`${proofs.space.challenges} plot answers, location ${shortId(proofs.space.peerId)}`}
          />
          <ProofChip name="PoWork" detail={`${proofs.work.difficultyBits}-bit work`} />
          <ProofChip name="PoStake" detail={`signed by ${shortId(proofs.stake.address, 6, 4)}`} />
        </span>
      </td>
      <td>
        <VerifyButton height={block.height} />
      </td>
    </tr>
  )
}

function ProofChip({ name, detail }: { name: string; detail: string }) {
  return (
    <span className="badge badge-proof" title={`${name} verified: ${detail}`}>
      ✓ {name}
    </span>
  )
}

const selectCheck = (height: number) => (s: Parameters<typeof selectBlockChecks>[0]) =>
  selectBlockChecks(s)[height]

function VerifyButton({ height }: { height: number }) {
  const actions = useHyperMesh(selectActions)
  const check: BlockCheck | 'checking' | undefined = useHyperMesh(selectCheck(height))
  if (check === 'checking') return <span className="hint">Checking…</span>
  if (check != null)
    return check.ok ? (
      <span
        className="check-ok"
        data-testid="block-check"
        title={`re-verified in ${Math.round(check.ms)} ms`}
      >
        ✓ valid
      </span>
    ) : (
      <span className="check-failed" data-testid="block-check" role="alert">
        {check.failure}
      </span>
    )
  return (
    <button
      type="button"
      className="button button-small"
      onClick={() => void actions.verifyBlock(height)}
      data-testid="verify-block"
    >
      Verify
    </button>
  )
}

import type { TransportStats } from '../../../shared/schemas'
import { formatBitrate, formatBytes, formatLatency, shortId } from '../lib/format'
import { DataTable, type Column } from './DataTable'

type Connection = TransportStats['connections'][number]

const TIER_TITLE: Record<string, string> = {
  '100M': 'Measured at up to 120 Mbit/s: a 100 Mbit class link',
  '1G': 'Measured at up to 1.2 Gbit/s: a 1 Gbit class link',
  '2.5G': 'Measured at up to 3 Gbit/s: a 2.5 Gbit class link',
  faster: 'Measured above 3 Gbit/s',
}

const COLUMNS: Column[] = [
  { label: 'Peer' },
  { label: 'Link' },
  { label: 'Measured bandwidth', num: true },
  { label: 'Round trip', num: true },
  { label: 'Stream window', num: true },
  { label: 'Now ↓ / ↑', num: true },
]

/** Each connection's link as the connection measured it, and the window it was tuned to. */
export function LinksTable({ connections }: { connections: Connection[] }) {
  return (
    <DataTable
      className="links"
      testId="link-list"
      columns={COLUMNS}
      empty={connections.length === 0 ? 'No connections' : null}
    >
      {connections.map((c, i) => (
        <tr key={`${c.remotePeer}-${i}`} data-testid="link-row">
          <td>
            <code className="mono" title={c.remotePeer}>
              {shortId(c.remotePeer)}
            </code>
          </td>
          <td data-testid="link-tier">
            {c.link.tier == null ? (
              <span className="muted" title="Measured once the connection has carried a burst of data">
                not measured yet
              </span>
            ) : (
              <span className="badge badge-tier" title={TIER_TITLE[c.link.tier]}>
                {c.link.tier}
              </span>
            )}
          </td>
          <td className="num">{c.link.bitsPerSecond == null ? '—' : formatBitrate(c.link.bitsPerSecond)}</td>
          <td className="num">{formatLatency(c.link.minRttMs)}</td>
          <td className="num">
            {c.maxStreamWindowBytes == null ? 'default' : formatBytes(c.maxStreamWindowBytes)}
          </td>
          <td className="num">
            {formatBitrate(c.receivedBitsPerSecond)} / {formatBitrate(c.sentBitsPerSecond)}
          </td>
        </tr>
      ))}
    </DataTable>
  )
}

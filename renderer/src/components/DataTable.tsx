import type { ReactNode } from 'react'

export interface Column {
  /** None for a column of buttons. */
  label?: string
  /** Right-aligned, for figures. */
  num?: boolean
}

interface DataTableProps {
  /** Added to `peers`, the class every table of the dashboard is styled by. */
  className?: string
  testId: string
  columns: Column[]
  /** When set, a row across all columns: what to say while there are no rows. */
  empty?: ReactNode
  children: ReactNode
}

/** A table of the dashboard: scrolls sideways on a narrow card, a header row of column titles. */
export function DataTable({ className, testId, columns, empty, children }: DataTableProps) {
  return (
    <div className="table-wrap">
      <table className={className == null ? 'peers' : `peers ${className}`} data-testid={testId}>
        <thead>
          <tr>
            {columns.map((column, i) => (
              <th key={i} scope="col" className={column.num === true ? 'num' : undefined}>
                {column.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {children}
          {empty != null && (
            <tr>
              <td colSpan={columns.length} className="empty">
                {empty}
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </div>
  )
}

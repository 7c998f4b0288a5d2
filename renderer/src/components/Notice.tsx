import type { ReactNode } from 'react'

/**
 * Why something was refused: a short headline, then the reason. An alert by default, as it answers what the
 * person just did; `role="status"` for one that stands until the next change.
 */
export function ErrorNotice({
  headline,
  role = 'alert',
  testId,
  children,
}: {
  headline: string
  role?: 'alert' | 'status'
  testId?: string
  children: ReactNode
}) {
  return (
    <div className="notice notice-error" role={role} data-testid={testId}>
      <strong>{`${headline}:`}</strong> {children}
    </div>
  )
}

/** That something the person asked for went through. */
export function SuccessNotice({ testId, children }: { testId?: string; children: ReactNode }) {
  return (
    <div className="notice notice-success" role="status" data-testid={testId}>
      {children}
    </div>
  )
}

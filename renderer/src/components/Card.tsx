import { useId, type ReactNode } from 'react'

interface CardProps {
  title: string
  /** Shown beside the title: a badge or a count. */
  aside?: ReactNode
  className?: string
  testId?: string
  children: ReactNode
}

/** A titled panel of the dashboard grid. */
export function Card({ title, aside, className, testId, children }: CardProps) {
  const headingId = useId()
  return (
    <section className={`card ${className ?? ''}`} aria-labelledby={headingId} data-testid={testId}>
      <header className="card-header">
        <h2 id={headingId}>{title}</h2>
        {aside}
      </header>
      <div className="card-body">{children}</div>
    </section>
  )
}

/** A quiet line of text for a card that has nothing to show yet. */
export function EmptyState({ children, testId }: { children: ReactNode; testId?: string }) {
  return (
    <p className="empty" data-testid={testId}>
      {children}
    </p>
  )
}

/** The header's switch between the app's views; the current one is marked for assistive technology. */
import { showView, useView, VIEW_LABELS, VIEWS, viewHash, type View } from '../lib/view'

export function ViewSwitch({ current }: { current: View }) {
  return (
    <nav className="view-switch" aria-label="Views">
      {VIEWS.map((view) => (
        <a
          key={view}
          href={viewHash(view)}
          className={`view-link ${view === current ? 'is-current' : ''}`}
          aria-current={view === current ? 'page' : undefined}
          onClick={(event) => {
            event.preventDefault()
            showView(view)
          }}
        >
          {VIEW_LABELS[view]}
        </a>
      ))}
    </nav>
  )
}

/** The switch for the view the fragment names now. */
export function CurrentViewSwitch() {
  return <ViewSwitch current={useView()} />
}

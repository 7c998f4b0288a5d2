/** When sharing is allowed: a list of weekly windows (days, from, to); none means at any time. */
import { WEEKDAYS, type TimeWindow, type Weekday } from '../../../../shared/api'

const DAY_NAMES: Record<Weekday, string> = {
  mon: 'Mo',
  tue: 'Tu',
  wed: 'We',
  thu: 'Th',
  fri: 'Fr',
  sat: 'Sa',
  sun: 'Su',
}

export function TimeWindows({
  windows,
  onChange,
}: {
  windows: TimeWindow[]
  onChange(windows: TimeWindow[]): void
}) {
  const replace = (i: number, next: TimeWindow): void => onChange(windows.map((w, j) => (j === i ? next : w)))
  return (
    <div className="time-windows" data-testid="time-windows">
      <span className="field-label">When</span>
      {windows.length === 0 && <p className="hint">At any time. Add a window to share only at set hours.</p>}
      {windows.map((w, i) => (
        <div className="time-window" key={i}>
          {WEEKDAYS.map((day) => (
            <label key={day} className="day">
              <input
                type="checkbox"
                checked={w.days.includes(day)}
                onChange={(e) =>
                  replace(i, {
                    ...w,
                    days: e.target.checked
                      ? WEEKDAYS.filter((d) => d === day || w.days.includes(d))
                      : w.days.filter((d) => d !== day),
                  })
                }
              />
              {DAY_NAMES[day]}
            </label>
          ))}
          <input
            type="time"
            aria-label="from"
            value={w.from}
            onChange={(e) => replace(i, { ...w, from: e.target.value })}
          />
          <input
            type="time"
            aria-label="to"
            value={w.to}
            onChange={(e) => replace(i, { ...w, to: e.target.value })}
          />
          <button
            type="button"
            className="button button-compact"
            onClick={() => onChange(windows.filter((_, j) => j !== i))}
          >
            Remove
          </button>
        </div>
      ))}
      <button
        type="button"
        className="button button-compact"
        onClick={() =>
          onChange([...windows, { days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '18:00', to: '08:00' }])
        }
      >
        Add a window
      </button>
    </div>
  )
}

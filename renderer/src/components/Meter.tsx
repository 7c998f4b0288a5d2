import { clampPercent } from '../lib/format'

interface MeterProps {
  /** 0–100 */
  percent: number
  label: string
}

/**
 * A horizontal bar. The fill's width is set through the CSSOM (a React style prop), which the
 * Content-Security-Policy allows; no inline <style> is involved.
 */
export function Meter({ percent, label }: MeterProps) {
  const value = clampPercent(percent)
  const level = value >= 90 ? 'high' : value >= 70 ? 'warn' : 'ok'
  return (
    <div
      className={`meter meter-${level}`}
      role="meter"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={Math.round(value)}
    >
      <div className="meter-fill" style={{ width: `${value}%` }} />
    </div>
  )
}

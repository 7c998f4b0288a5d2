/**
 * Whether leased work may run now on a resource, and why not: turned off, outside its time windows, the
 * computer not idle long enough or in use, or too hot. Pure, so that every rule is tested on its own.
 */
import { WEEKDAYS, type SharingSettings, type TimeWindow } from '../../../shared/sharing-schemas'

export interface MachineConditions {
  /** Local time now. */
  now: Date
  /** Seconds since the last keyboard or mouse input; null where the node cannot tell (headless). */
  idleSeconds: number | null
  /** The resource's temperature, where known. */
  temperatureC: number | null
}

export interface Activity {
  active: boolean
  reason: string
}

/** Date.getDay() counts from Sunday; WEEKDAYS from Monday. */
const weekdayOf = (date: Date): (typeof WEEKDAYS)[number] => WEEKDAYS[(date.getDay() + 6) % 7]!
const minutesOf = (clock: string): number => Number(clock.slice(0, 2)) * 60 + Number(clock.slice(3))

/** Whether `now` falls in `window` (an overnight window belongs to the day it starts on). */
export function inWindow(window: TimeWindow, now: Date): boolean {
  const minute = now.getHours() * 60 + now.getMinutes()
  const [from, to] = [minutesOf(window.from), minutesOf(window.to)]
  if (from < to) return window.days.includes(weekdayOf(now)) && minute >= from && minute < to
  const yesterday = new Date(now.getTime() - 24 * 3600 * 1000)
  return (
    (window.days.includes(weekdayOf(now)) && minute >= from) ||
    (window.days.includes(weekdayOf(yesterday)) && minute < to)
  )
}

export function sharingActivity(s: SharingSettings, at: MachineConditions): Activity {
  if (!s.enabled) return { active: false, reason: 'not shared' }
  if (s.allocationPercent === 0) return { active: false, reason: 'allocation is 0 %' }
  if (s.windows.length > 0 && !s.windows.some((w) => inWindow(w, at.now)))
    return { active: false, reason: 'outside the time windows you set' }
  if (s.idleMinutes > 0) {
    if (at.idleSeconds == null)
      return {
        active: false,
        reason: `waiting for ${s.idleMinutes} idle minutes, which this node cannot measure without the desktop app`,
      }
    if (at.idleSeconds < s.idleMinutes * 60)
      return { active: false, reason: `the computer has not been idle for ${s.idleMinutes} minutes` }
  }
  if (s.pauseWhenInUse && at.idleSeconds != null && at.idleSeconds < 60)
    return { active: false, reason: 'paused while you use the computer' }
  if (s.pauseAboveCelsius != null && at.temperatureC != null && at.temperatureC >= s.pauseAboveCelsius)
    return {
      active: false,
      reason: `paused at ${at.temperatureC.toFixed(0)} °C (your limit is ${s.pauseAboveCelsius} °C)`,
    }
  return { active: true, reason: 'sharing' }
}

import { describe, expect, it } from 'vitest'
import { SharingSettings } from '../../../shared/sharing-schemas'
import { inWindow, sharingActivity, type MachineConditions } from './activity'
import { defaultSharing } from './defaults'

// 2026-11-30 is a Monday.
const at = (day: number, hh: number, mm = 0): Date => new Date(2026, 10, 30 + day, hh, mm)
const on = { ...defaultSharing('cpu'), enabled: true }
const conditions = (over: Partial<MachineConditions> = {}): MachineConditions => ({
  now: at(0, 12),
  idleSeconds: null,
  temperatureC: null,
  ...over,
})

describe('time windows', () => {
  const weekdayEvenings = { days: ['mon', 'tue'] as const, from: '18:00', to: '23:00' }
  const overnight = { days: ['fri'] as const, from: '22:00', to: '06:00' }

  it('hold from the start minute up to (not including) the end minute, on the named days only', () => {
    const w = { ...weekdayEvenings, days: [...weekdayEvenings.days] }
    expect(inWindow(w, at(0, 17, 59))).toBe(false)
    expect(inWindow(w, at(0, 18, 0))).toBe(true)
    expect(inWindow(w, at(1, 22, 59))).toBe(true)
    expect(inWindow(w, at(1, 23, 0))).toBe(false)
    expect(inWindow(w, at(2, 19, 0))).toBe(false) // Wednesday
  })

  it('an overnight window belongs to the day it starts on', () => {
    const w = { ...overnight, days: [...overnight.days] }
    expect(inWindow(w, at(4, 23, 0))).toBe(true) // Friday night
    expect(inWindow(w, at(5, 5, 59))).toBe(true) // Saturday early morning
    expect(inWindow(w, at(5, 6, 0))).toBe(false)
    expect(inWindow(w, at(4, 5, 0))).toBe(false) // Friday early morning belongs to Thursday
  })
})

describe('sharingActivity says whether leased work may run now, and why not', () => {
  it('not shared, or shared at 0 %, is inactive', () => {
    expect(sharingActivity(defaultSharing('cpu'), conditions())).toEqual({
      active: false,
      reason: 'not shared',
    })
    expect(sharingActivity({ ...on, allocationPercent: 0 }, conditions()).reason).toBe('allocation is 0 %')
    expect(sharingActivity(on, conditions())).toEqual({ active: true, reason: 'sharing' })
  })

  it('outside every time window it waits', () => {
    const s = { ...on, windows: [{ days: ['sat' as const], from: '00:00', to: '23:59' }] }
    expect(sharingActivity(s, conditions()).reason).toBe('outside the time windows you set')
    expect(sharingActivity(s, conditions({ now: at(5, 12) })).active).toBe(true)
  })

  it('"only when idle for N minutes" waits for N minutes without input, and says when idle cannot be measured', () => {
    const s = { ...on, idleMinutes: 10 }
    expect(sharingActivity(s, conditions({ idleSeconds: 599 })).active).toBe(false)
    expect(sharingActivity(s, conditions({ idleSeconds: 600 })).active).toBe(true)
    expect(sharingActivity(s, conditions({ idleSeconds: null })).reason).toMatch(/cannot measure/)
  })

  it('"pause when I use it" pauses within a minute of input', () => {
    const s = { ...on, pauseWhenInUse: true }
    expect(sharingActivity(s, conditions({ idleSeconds: 5 })).reason).toBe(
      'paused while you use the computer',
    )
    expect(sharingActivity(s, conditions({ idleSeconds: 120 })).active).toBe(true)
  })

  it('pauses at the temperature limit and names the reading', () => {
    const s = { ...on, pauseAboveCelsius: 80 }
    expect(sharingActivity(s, conditions({ temperatureC: 79.4 })).active).toBe(true)
    expect(sharingActivity(s, conditions({ temperatureC: 83 })).reason).toBe(
      'paused at 83 °C (your limit is 80 °C)',
    )
  })
})

describe('SharingSettings refuses terms that cannot hold, with the reason', () => {
  const reasonOf = (settings: unknown): string | undefined => {
    const result = SharingSettings.safeParse(settings)
    return result.success ? undefined : result.error.issues[0]?.message
  }
  it('accepts the defaults for every resource', () => {
    for (const kind of ['cpu', 'gpu', 'memory', 'storage'] as const)
      expect(reasonOf(defaultSharing(kind))).toBeUndefined()
  })
  it('refuses each kind of bad value', () => {
    expect(reasonOf({ ...on, allocationPercent: 101 })).toMatch(/100/)
    expect(reasonOf({ ...on, allocationPercent: 12.5 })).toBe('allocation is a whole percent')
    expect(reasonOf({ ...on, maxLeases: 0 })).toBe('at least one lease at a time')
    expect(reasonOf({ ...on, windows: [{ days: ['mon'], from: '25:00', to: '26:00' }] })).toMatch(/HH:MM/)
    expect(reasonOf({ ...on, windows: [{ days: ['mon'], from: '10:00', to: '10:00' }] })).toMatch(/empty/)
    expect(reasonOf({ ...on, windows: [{ days: [], from: '10:00', to: '11:00' }] })).toMatch(
      /at least one day/,
    )
    expect(reasonOf({ ...on, pauseAboveCelsius: 20 })).toMatch(/at least 40/)
    expect(reasonOf({ ...on, privacy: 'P2P' })).toBe('P2P needs at least one trusted peer')
    expect(reasonOf({ ...on, privacy: 'PublicNetwork' })).toBe(
      'PublicNetwork needs at least one network to share with',
    )
    expect(reasonOf({ ...on, requiredProofs: ['stake', 'stake'] })).toBe('each proof is named once')
    expect(reasonOf({ ...on, memoryInUseBytes: 2e9, memoryIdleBytes: 1e9 })).toMatch(
      /cannot be more than while idle/,
    )
    expect(reasonOf({ ...on, privacy: 'Everyone' })).toBeDefined()
    expect(reasonOf({ ...on, surprise: true })).toBeDefined()
  })
})

import { describe, expect, it } from 'vitest'
import { formatCaesar, parseCaesar, TransferRequest } from './chain-schemas'

describe('CAESAR amounts', () => {
  it('formats units as CAESAR without rounding', () => {
    expect(formatCaesar('0')).toBe('0')
    expect(formatCaesar('1000000')).toBe('1')
    expect(formatCaesar('2500000')).toBe('2.5')
    expect(formatCaesar('10')).toBe('0.00001')
    expect(formatCaesar('123456789012345678901234567')).toBe('123456789012345678901.234567')
  })

  it('parses what people type, and refuses what is not a plain amount', () => {
    expect(parseCaesar('2.5')).toBe('2500000')
    expect(parseCaesar(' 1 ')).toBe('1000000')
    expect(parseCaesar('0.000001')).toBe('1')
    for (const bad of ['', '-1', '1.0000001', '1e6', '1,5', 'abc', '.5', '1.'])
      expect(parseCaesar(bad), bad).toBeNull()
  })

  it('a transfer request needs a real address and an amount above zero', () => {
    const to = 'ab'.repeat(20)
    expect(TransferRequest.safeParse({ to, amount: '5' }).success).toBe(true)
    expect(TransferRequest.safeParse({ to, amount: '0' }).success).toBe(false)
    expect(TransferRequest.safeParse({ to: 'AB'.repeat(20), amount: '5' }).success).toBe(false)
    expect(TransferRequest.safeParse({ to, amount: '5', memo: 'x' }).success).toBe(false)
  })
})

import { describe, expect, it } from 'vitest'
import { sampleAddresses, sampleWallet } from '../../testing/sample-wallet'
import { sampleNodeAddress, samplePreview } from '../../testing/sample-exchange'
import {
  canCancel,
  orderStateLabel,
  ownAccountNames,
  previewSummary,
  priceText,
  quantityText,
  tradeRole,
  tradeStatusLabel,
  unitsAsCaesar,
  withAdvice,
} from './exchange-format'

describe('prices and quantities', () => {
  it('writes base units as CAESAR, a fraction of a unit included, without rounding', () => {
    expect(unitsAsCaesar('1500000')).toBe('1.5')
    expect(unitsAsCaesar('1100000.5')).toBe('1.1000005')
    expect(unitsAsCaesar('1500.25')).toBe('0.00150025')
    expect(unitsAsCaesar('2000000.000')).toBe('2')
    expect(priceText('900000', 'core-hour')).toBe('0.9 CAESAR/core-hour')
    expect(priceText(null, 'core-hour')).toBe('—')
  })

  it('names the unit in the plural unless the quantity is 1', () => {
    expect(quantityText('1', 'GiB-month')).toBe('1 GiB-month')
    expect(quantityText('3', 'core-hour')).toBe('3 core-hours')
  })
})

describe('the preview sentence', () => {
  it('says what a buy fills now and at what price, what rests, what it holds, its fee and the balance after', () => {
    expect(previewSummary(samplePreview(), 'buy', 'core-hour')).toBe(
      'Fills 2 core-hours now at an average price of 1.1 CAESAR/core-hour, 1 core-hour rests on the book, ' +
        'holds 3.3 CAESAR, fee 0.001 CAESAR, balance after 96.699 CAESAR.',
    )
  })

  it('says when nothing fills, and when the balance cannot pay', () => {
    const preview = samplePreview({ fillsNow: '0', averagePrice: null, rests: '3', balanceAfter: null })
    expect(previewSummary(preview, 'buy', 'core-hour')).toBe(
      'Nothing fills now, 3 core-hours rest on the book, holds 3.3 CAESAR, fee 0.001 CAESAR, ' +
        'the balance (100 CAESAR) cannot pay it.',
    )
  })

  it('says what a sell earns once delivered instead of a hold', () => {
    const preview = samplePreview({ rests: '0', holds: '0', fillValue: '2200000' })
    expect(previewSummary(preview, 'sell', 'GPU-hour')).toBe(
      'Fills 2 GPU-hours now at an average price of 1.1 CAESAR/GPU-hour, nothing rests on the book, ' +
        'earns 2.2 CAESAR once delivered, fee 0.001 CAESAR, balance after 96.699 CAESAR.',
    )
  })
})

describe('orders and trades', () => {
  it('says why a refused order was refused, and offers Cancel only while an order rests', () => {
    expect(orderStateLabel({ state: 'refused', problem: 'the balance cannot pay it' })).toBe(
      'refused: the balance cannot pay it',
    )
    expect(orderStateLabel({ state: 'partial', problem: null })).toBe('partial')
    const cancellable = (['pending', 'open', 'partial', 'filled', 'cancelled', 'refused'] as const).filter(
      (state) => canCancel({ state }),
    )
    expect(cancellable).toEqual(['open', 'partial'])
  })

  it('names a trade’s escrow status, and which side this node’s accounts were on', () => {
    expect(tradeStatusLabel('open')).toBe('open escrow')
    expect(tradeStatusLabel('released')).toBe('paid out')
    expect(tradeStatusLabel('refunded')).toBe('refunded')
    const own = new Set(['a', 'b'])
    expect(tradeRole({ buyer: 'a', seller: 'x' }, own)).toBe('bought')
    expect(tradeRole({ buyer: 'x', seller: 'b' }, own)).toBe('sold')
    expect(tradeRole({ buyer: 'a', seller: 'b' }, own)).toBe('bought and sold')
  })

  it('names the node’s account, the wallet’s, and any other account that placed an order', () => {
    const other = 'd'.repeat(40)
    const names = ownAccountNames(sampleNodeAddress, sampleWallet(), [{ account: other }])
    expect([...names]).toEqual([
      [sampleNodeAddress, 'node account'],
      [sampleAddresses[0], 'wallet account 1'],
      [other, 'dddddddd…dddddd'],
    ])
  })
})

describe('errors', () => {
  it('adds what to do to the node’s usual refusals', () => {
    expect(withAdvice('the wallet is locked')).toBe(
      'the wallet is locked. Unlock the wallet to sign with this account.',
    )
    expect(withAdvice('the balance cannot pay it.')).toBe(
      'the balance cannot pay it. Lower the price or the quantity, or move CAESAR to this account.',
    )
    expect(withAdvice('the account has no registered cpu asset')).toContain('Register this resource')
    expect(withAdvice('something else')).toBe('something else')
  })
})

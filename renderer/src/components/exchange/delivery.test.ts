import { describe, expect, it } from 'vitest'
import { otherPeerIds, ownPeerId } from '../../testing/sample-data'
import { sampleDelivered, sampleProbe, sampleShareOffer, sampleTrade } from '../../testing/sample-exchange'
import {
  deliveredSummary,
  deliveryAdvice,
  deliveryAmount,
  deliveryRequestOf,
  initialDeliveryFields,
  mayTakeDelivery,
  offerRequestOf,
  offerSummary,
  probeSummary,
} from './delivery'

const FILL_ID = '7a'.repeat(32)

describe('who may take delivery', () => {
  it('is the trade’s holder, while its escrow is open', () => {
    expect(mayTakeDelivery(sampleTrade(), ownPeerId)).toBe(true)
    expect(mayTakeDelivery(sampleTrade({ holder: otherPeerIds[0] }), ownPeerId)).toBe(false)
    expect(mayTakeDelivery(sampleTrade({ status: 'released' }), ownPeerId)).toBe(false)
    expect(mayTakeDelivery(sampleTrade({ status: 'refunded' }), ownPeerId)).toBe(false)
  })

  it('is no one before the node’s status is read', () => {
    expect(mayTakeDelivery(sampleTrade(), null)).toBe(false)
  })
})

describe('the delivery form', () => {
  it('asks for an hour of 64 MiB of memory or storage, or one core of CPU or GPU, by default', () => {
    expect(initialDeliveryFields('memory')).toEqual({ minutes: '60', amount: '64' })
    expect(deliveryAmount('storage')).toEqual({ unit: 'MiB', initial: '64' })
    expect(initialDeliveryFields('cpu')).toEqual({ minutes: '60', amount: '1' })
    expect(deliveryAmount('gpu')).toEqual({ unit: 'GPUs', initial: '1' })
  })

  it('sends memory and storage amounts as bytes, CPU and GPU ones as thousandths of a core', () => {
    expect(deliveryRequestOf(FILL_ID, 'memory', initialDeliveryFields('memory'))).toEqual({
      request: { fillId: FILL_ID, minutes: 60, amountBytes: 64 * 1024 ** 2 },
      problem: null,
    })
    expect(deliveryRequestOf(FILL_ID, 'storage', { minutes: '15', amount: '0.5' }).request).toEqual({
      fillId: FILL_ID,
      minutes: 15,
      amountBytes: 512 * 1024,
    })
    expect(deliveryRequestOf(FILL_ID, 'cpu', { minutes: '60', amount: '1.5' }).request).toEqual({
      fillId: FILL_ID,
      minutes: 60,
      millicores: 1500,
    })
    expect(deliveryRequestOf(FILL_ID, 'gpu', initialDeliveryFields('gpu')).request).toMatchObject({
      millicores: 1000,
    })
  })

  it('says why minutes or an amount out of the contract’s bounds cannot be sent', () => {
    for (const minutes of ['0', '1.5', '', String(30 * 24 * 60 + 1)])
      expect(deliveryRequestOf(FILL_ID, 'cpu', { minutes, amount: '1' }).problem).toBe(
        'Type the minutes as a whole number from 1 to 43200 (30 days).',
      )
    expect(deliveryRequestOf(FILL_ID, 'memory', { minutes: '60', amount: '0.001' }).problem).toBe(
      'Type an amount of at least 0.004 MiB.',
    )
    expect(deliveryRequestOf(FILL_ID, 'cpu', { minutes: '60', amount: '0' }).problem).toBe(
      'Type an amount from 0.001 to 1000 cores.',
    )
    expect(deliveryRequestOf(FILL_ID, 'gpu', { minutes: '60', amount: '1001' }).problem).toBe(
      'Type an amount from 0.001 to 1000 GPUs.',
    )
  })

  it('says the lease it got, and what one use of it moved', () => {
    const fill = sampleDelivered()
    expect(deliveredSummary(FILL_ID, fill)).toBe(
      `Lease 7a7a7a7a…7a7a7a from seller 12D3KooW…ghijkm, valid until ${new Date(fill.expiresAt).toLocaleString()}.`,
    )
    expect(probeSummary(sampleProbe())).toBe('Wrote and read back 64.0 MiB in 12 ms.')
    expect(
      probeSummary(
        sampleProbe({ resource: 'cpu', bytes: 0, reservedMillicores: 1500, enforcement: 'cgroup cpu.max' }),
      ),
    ).toBe('Used in 12 ms: the seller reserved 1.5 cores for this node (cgroup cpu.max).')
  })

  it('says what to do about a refused delivery', () => {
    expect(deliveryAdvice('the escrow of fill 7a7a7a7a7a7a… is released')).toBe(
      'the escrow of fill 7a7a7a7a7a7a… is released. This fill is settled; nothing is left to deliver.',
    )
    expect(deliveryAdvice('the seller is not connected')).toContain('try again once it is online')
    expect(deliveryAdvice('the asset that sold fill 7a7a… is gone')).toContain('no one can deliver this fill')
    expect(deliveryAdvice('something else')).toBe('something else')
  })
})

describe('the offer of the shared allocation', () => {
  it('offers whole hours, at most 30 days', () => {
    expect(offerRequestOf('cpu', '24')).toEqual({ request: { resource: 'cpu', hours: 24 }, problem: null })
    for (const hours of ['0', '2.5', 'x', '721'])
      expect(offerRequestOf('memory', hours).problem).toBe(
        'Type the hours as a whole number from 1 to 720 (30 days).',
      )
  })

  it('says what it placed', () => {
    expect(offerSummary(sampleShareOffer())).toBe(
      'Offered 24 core-hours at 0.5 CAESAR per core-hour; pending until the next block.',
    )
    expect(offerSummary(sampleShareOffer({ quantity: '1', price: '1500', unit: 'GiB-month' }))).toBe(
      'Offered 1 GiB-month at 0.0015 CAESAR per GiB-month; pending until the next block.',
    )
  })
})

import { describe, expect, it } from 'vitest'
import { sampleAddresses } from '../../testing/sample-wallet'
import { addressOf, checkSend, contactNameOf, contactProblem } from './send-form'

const [MINE, THEIRS] = sampleAddresses as [string, string]
const fields = { from: MINE, to: THEIRS, amount: '1.5', fee: '' }

describe('the Send form, checked before the node is asked', () => {
  it('turns what was typed into the request: CAESAR into units, no fee for the network’s minimum', () => {
    expect(checkSend(fields)).toEqual({ ok: true, request: { from: MINE, to: THEIRS, amount: '1500000' } })
    expect(checkSend({ ...fields, fee: '0.00002' })).toEqual({
      ok: true,
      request: { from: MINE, to: THEIRS, amount: '1500000', fee: '20' },
    })
  })

  it('takes an address as people paste it: spaces, capitals, a 0x in front', () => {
    expect(addressOf(`  0x${THEIRS.toUpperCase()} `)).toBe(THEIRS)
    expect(checkSend({ ...fields, to: ` 0X${THEIRS.toUpperCase()}` })).toMatchObject({
      ok: true,
      request: { to: THEIRS },
    })
  })

  it('names what is wrong at each field', () => {
    expect(checkSend({ from: MINE, to: '', amount: '', fee: 'x' })).toEqual({
      ok: false,
      problems: {
        to: 'Enter the address to send to.',
        amount: 'Enter the amount to send.',
        fee: 'An amount is a number of CAESAR with at most 6 decimals, such as 12.5.',
      },
    })
    expect(checkSend({ ...fields, to: THEIRS.slice(1), amount: '0' })).toEqual({
      ok: false,
      problems: { to: 'An address is 40 characters long; this has 39.', amount: 'Send more than 0.' },
    })
    expect(checkSend({ ...fields, to: `${THEIRS.slice(1)}g`, amount: '1.1234567' })).toEqual({
      ok: false,
      problems: {
        to: 'An address has only the characters 0–9 and a–f.',
        amount: 'An amount is a number of CAESAR with at most 6 decimals, such as 12.5.',
      },
    })
    expect(checkSend({ ...fields, to: MINE })).toEqual({
      ok: false,
      problems: { to: 'That is the account it would be sent from.' },
    })
  })
})

describe('contacts in the forms', () => {
  it('names an address the book knows, and only that', () => {
    const book = [{ name: 'Alice', address: THEIRS }]
    expect(contactNameOf(book, THEIRS)).toBe('Alice')
    expect(contactNameOf(book, MINE)).toBeNull()
    expect(contactNameOf(null, THEIRS)).toBeNull()
  })

  it('says what a new contact lacks before it is sent', () => {
    expect(contactProblem(' ', THEIRS)).toBe('Give the contact a name.')
    expect(contactProblem('x'.repeat(65), THEIRS)).toBe('A name has at most 64 characters.')
    expect(contactProblem('Alice', '')).toBe('Enter the contact’s address.')
    expect(contactProblem('Alice', 'abc')).toBe('An address is 40 characters long; this has 3.')
    expect(contactProblem('Alice', THEIRS)).toBeNull()
  })
})

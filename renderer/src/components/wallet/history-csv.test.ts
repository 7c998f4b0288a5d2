import { describe, expect, it } from 'vitest'
import { SAMPLE_NOW } from '../../testing/sample-data'
import { sampleEntry, samplePendingEntry } from '../../testing/sample-history'
import { sampleAddresses } from '../../testing/sample-wallet'
import { csvField, HISTORY_CSV_HEADER, historyCsv, historyCsvFileName, historyCsvRow } from './history-csv'

const [MINE, THEIRS] = sampleAddresses as [string, string]

describe('the history as CSV', () => {
  it('starts with the header the contract’s fields are named by, each line ended by CRLF', () => {
    expect(historyCsv([])).toBe(
      'status,height,time_iso,tx_id,kind,category,balance_change,stake_change,fee,counterparty\r\n',
    )
    expect(HISTORY_CSV_HEADER).toHaveLength(10)
  })

  it('writes a committed and a pending entry with amounts in base units as given', () => {
    const csv = historyCsv([samplePendingEntry(), sampleEntry()])
    const lines = csv.split('\r\n')
    expect(lines).toHaveLength(4)
    expect(lines[3]).toBe('')
    expect(lines[1]).toBe(
      `pending,,${new Date(SAMPLE_NOW - 2_000).toISOString()},${'a0'.repeat(32)},transfer,sent,-1000010,0,10,${THEIRS}`,
    )
    expect(lines[2]).toBe(
      `committed,40,${new Date(SAMPLE_NOW - 60_000).toISOString()},${'c1'.repeat(32)},transfer,received,2500000,0,0,${THEIRS}`,
    )
  })

  it('leaves a block event’s transaction and counterparty empty', () => {
    const row = historyCsvRow(
      sampleEntry({ txId: null, kind: 'reward', category: 'rewards', counterparty: null }),
    )
    expect(row[3]).toBe('')
    expect(row[4]).toBe('reward')
    expect(row[9]).toBe('')
    expect(row[2]).toBe('2025-10-09T08:52:20.000Z')
  })

  it('quotes fields with commas, quotes or line breaks, doubling the quotes (RFC 4180)', () => {
    expect(csvField('plain')).toBe('plain')
    expect(csvField('a,b')).toBe('"a,b"')
    expect(csvField('say "hi"')).toBe('"say ""hi"""')
    expect(csvField('two\nlines')).toBe('"two\nlines"')
    expect(csvField('cr\r\nlf')).toBe('"cr\r\nlf"')
    expect(csvField('')).toBe('')
    const line = historyCsv([sampleEntry({ kind: 'odd,"kind"\nhere' })]).split('\r\n')[1]
    expect(line).toContain(',"odd,""kind""\nhere",')
  })

  it('keeps signed numbers as they are, but stops text a spreadsheet would run as a formula', () => {
    expect(csvField('-1000010')).toBe('-1000010')
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`)
    expect(csvField('@sum')).toBe("'@sum")
    expect(csvField('-x')).toBe("'-x")
  })

  it('names the file after the account’s first eight characters', () => {
    expect(historyCsvFileName(MINE)).toBe('hypermesh-history-3f9a0c2e.csv')
  })
})

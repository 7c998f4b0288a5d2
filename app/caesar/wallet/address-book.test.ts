/**
 * The address book as a person uses it: contacts added, renamed and removed, kept across a reload of the
 * file; bad input (no name, a long name, a bad address, a full book) refused with what was stored intact;
 * a damaged file said to be so and never overwritten.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { MAX_CONTACTS, type Contact } from '../../../shared/wallet-schemas'
import { AddressBook, type AddressBookFilePort } from './address-book'
import { WalletRequestError } from './wallet-service'

const ALICE = 'a'.repeat(40)
const BOB = 'b0'.repeat(20)

let dir: string
let path: string
/** A book over a real file in a temporary dir; a second one over the same file is a reload. */
const fileAt = (file: string): AddressBookFilePort & { writes: number } => {
  const port = {
    writes: 0,
    read: () => (existsSync(file) ? readFileSync(file) : null),
    write: (bytes: Uint8Array) => {
      writeFileSync(file, bytes)
      port.writes++
    },
  }
  return port
}
const openBook = () => new AddressBook(fileAt(path))

function refusal(action: () => unknown): WalletRequestError {
  try {
    action()
  } catch (err) {
    if (err instanceof WalletRequestError) return err
    throw err
  }
  throw new Error('it was not refused')
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hm-address-book-'))
  path = join(dir, 'address-book.json')
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

describe('the address book', () => {
  it('is empty before anything is saved, and writes no file to say so', () => {
    expect(openBook().list()).toEqual([])
    expect(existsSync(path)).toBe(false)
  })

  it('keeps contacts sorted by name, trimmed, and across a reload', () => {
    const book = openBook()
    book.save({ name: '  Zoe ', address: ALICE, note: 'rent' })
    expect(book.save({ name: 'bob', address: BOB, note: '  ' })).toEqual([
      { name: 'bob', address: BOB },
      { name: 'Zoe', address: ALICE, note: 'rent' },
    ])
    expect(openBook().list()).toEqual([
      { name: 'bob', address: BOB },
      { name: 'Zoe', address: ALICE, note: 'rent' },
    ])
  })

  it('renames the contact kept at an address instead of listing the address twice', () => {
    const book = openBook()
    book.save({ name: 'Alice', address: ALICE })
    expect(book.save({ name: 'Alice (work)', address: ALICE })).toEqual([
      { name: 'Alice (work)', address: ALICE },
    ])
  })

  it('removes a contact by address, and says when no contact has it', () => {
    const book = openBook()
    book.save({ name: 'Alice', address: ALICE })
    book.save({ name: 'Bob', address: BOB })
    expect(book.remove(ALICE)).toEqual([{ name: 'Bob', address: BOB }])
    expect(openBook().list()).toEqual([{ name: 'Bob', address: BOB }])
    const missing = refusal(() => book.remove(ALICE))
    expect(missing.code).toBe('not-found')
    expect(missing.message).toBe(`no contact in the address book has the address ${ALICE}`)
  })

  it('refuses bad input with its reason, and loses nothing it stored', () => {
    const port = fileAt(path)
    const book = new AddressBook(port)
    book.save({ name: 'Alice', address: ALICE })
    const before = readFileSync(path)
    const bad: [Contact, string][] = [
      [{ name: '   ', address: BOB }, 'a contact needs a name'],
      [{ name: 'x'.repeat(65), address: BOB }, "a contact's name has at most 64 characters"],
      [{ name: 'Bob', address: 'B0'.repeat(20) }, 'an address is 40 hex characters'],
      [{ name: 'Bob', address: 'b0'.repeat(19) }, 'an address is 40 hex characters'],
      [{ name: 'Bob', address: BOB, note: 'n'.repeat(257) }, 'a note has at most 256 characters'],
    ]
    for (const [contact, message] of bad) {
      const refused = refusal(() => book.save(contact))
      expect(refused).toMatchObject({ code: 'bad-request', message })
    }
    expect(port.writes).toBe(1)
    expect(readFileSync(path).equals(before)).toBe(true)
    expect(openBook().list()).toEqual([{ name: 'Alice', address: ALICE }])
  })

  it(`holds at most ${MAX_CONTACTS} contacts, yet still renames one when full`, () => {
    const book = openBook()
    const addressOf = (i: number) => i.toString(16).padStart(40, '0')
    const full = Array.from({ length: MAX_CONTACTS }, (_, i) => ({ name: `c${i}`, address: addressOf(i) }))
    writeFileSync(path, JSON.stringify({ format: 'hypermesh-address-book', version: 1, contacts: full }))
    expect(book.list()).toHaveLength(MAX_CONTACTS)
    expect(refusal(() => book.save({ name: 'one more', address: ALICE })).message).toBe(
      `the address book is full (${MAX_CONTACTS} contacts); remove one first`,
    )
    expect(book.save({ name: 'renamed', address: addressOf(7) })).toContainEqual({
      name: 'renamed',
      address: addressOf(7),
    })
    expect(book.list()).toHaveLength(MAX_CONTACTS)
  })

  it('says when its file is damaged, and does not write over it', () => {
    for (const damaged of [
      '{ not json',
      JSON.stringify({ format: 'something else', version: 1, contacts: [] }),
      JSON.stringify({ format: 'hypermesh-address-book', version: 1, contacts: [null] }),
      JSON.stringify({
        format: 'hypermesh-address-book',
        version: 1,
        contacts: [
          { name: 'a', address: ALICE },
          { name: 'b', address: ALICE },
        ],
      }),
    ]) {
      writeFileSync(path, damaged)
      const book = openBook()
      expect(refusal(() => book.list()).message).toMatch(
        /^this node's address book file cannot be read \(.+\); move address-book.json out/,
      )
      expect(() => book.save({ name: 'Bob', address: BOB })).toThrow(WalletRequestError)
      expect(readFileSync(path, 'utf8')).toBe(damaged)
    }
  })
})

import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { toBase64 } from '../../consensus'
import { databasePath, openDatabase } from '../storage/database'
import { PeerKeyBook } from './peer-key-book'

const KEY_A = new Uint8Array(1793).fill(1)
const KEY_B = new Uint8Array(1793).fill(2)

describe('the book of peers’ FALCON keys', () => {
  const dbPath = () => databasePath(mkdtempSync(join(tmpdir(), 'hm-peer-keys-')))

  it('remembers who spoke STOQ across a restart, and nobody else', () => {
    const path = dbPath()
    const book = new PeerKeyBook(openDatabase(path))
    expect(book.speaksStoq('peer-a')).toBe(false)
    book.provedFalconKey('peer-a', KEY_A)
    expect(book.speaksStoq('peer-a')).toBe(true)
    expect(book.provenKeys('peer-a')).toEqual([toBase64(KEY_A)])
    // A new book on the same database: the keys proved are gone, the fact that it spoke STOQ stays.
    const after = new PeerKeyBook(openDatabase(path))
    expect(after.speaksStoq('peer-a')).toBe(true)
    expect(after.provenKeys('peer-a')).toEqual([])
    expect(after.speaksStoq('peer-b')).toBe(false)
  })

  it('answers the bound key from the ledger or genesis first, then from a member’s credential', () => {
    const book = new PeerKeyBook(openDatabase(dbPath()))
    expect(book.boundFalconKey('peer-a')).toBeUndefined()
    book.pin('peer-a', toBase64(KEY_A))
    expect(book.boundFalconKey('peer-a')).toEqual(KEY_A)
    expect(book.speaksStoq('peer-a')).toBe(true)
    book.bindingsFrom((peer) => (peer === 'peer-a' ? toBase64(KEY_B) : undefined))
    expect(book.boundFalconKey('peer-a')).toEqual(KEY_B)
  })

  it('keeps the latest few keys a peer proved, without repeats', () => {
    const book = new PeerKeyBook(openDatabase(dbPath()))
    for (let i = 0; i < 6; i++) book.provedFalconKey('peer-a', new Uint8Array(1793).fill(i))
    book.provedFalconKey('peer-a', new Uint8Array(1793).fill(5))
    const keys = book.provenKeys('peer-a')
    expect(keys).toHaveLength(4)
    expect(keys.at(-1)).toBe(toBase64(new Uint8Array(1793).fill(5)))
    expect(new Set(keys).size).toBe(keys.length)
  })
})

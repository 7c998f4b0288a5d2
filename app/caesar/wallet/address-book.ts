/**
 * The person's address book: names for the addresses they send to, kept by the node in one small JSON
 * file so that every window on it (Electron's and a browser's) sees the same book. Bounded, and checked
 * on the way in; a refused change leaves the file as it was (the port writes durably and whole).
 */
import {
  MAX_CONTACT_NAME_CHARS,
  MAX_CONTACT_NOTE_CHARS,
  MAX_CONTACTS,
  type Contact,
} from '../../../shared/wallet-schemas'
import { WalletRequestError } from './wallet-service'

/** Where the book lives: read whole, written durably (fsync, then rename), never in part. */
export interface AddressBookFilePort {
  read(): Uint8Array | null
  write(bytes: Uint8Array): void
}

const FORMAT = 'hypermesh-address-book'
const VERSION = 1
/** 500 contacts at their longest fit well under this; a bigger file is not one this node wrote. */
const MAX_FILE_BYTES = 1024 * 1024
const ADDRESS = /^[0-9a-f]{40}$/

export class AddressBook {
  constructor(private readonly file: AddressBookFilePort) {}

  /** The contacts, sorted by name. */
  list(): Contact[] {
    return this.read()
  }

  /** Adds `contact`, or replaces the one kept at its address (a rename); the book as it is after. */
  save(contact: Contact): Contact[] {
    const checked = checkedContact(contact)
    const contacts = this.read()
    const others = contacts.filter((c) => c.address !== checked.address)
    if (others.length === contacts.length && contacts.length >= MAX_CONTACTS)
      throw new WalletRequestError(
        'bad-request',
        `the address book is full (${MAX_CONTACTS} contacts); remove one first`,
      )
    return this.write([...others, checked])
  }

  /** Removes the contact at `address`; the book as it is after. */
  remove(address: string): Contact[] {
    const contacts = this.read()
    const left = contacts.filter((c) => c.address !== address)
    if (left.length === contacts.length)
      throw new WalletRequestError('not-found', `no contact in the address book has the address ${address}`)
    return this.write(left)
  }

  private read(): Contact[] {
    const bytes = this.file.read()
    if (bytes == null) return []
    try {
      return sorted(parseBook(bytes))
    } catch (err) {
      // Said, never overwritten: the person may want what it holds.
      throw new WalletRequestError(
        'bad-request',
        `this node's address book file cannot be read (${(err as Error).message}); move address-book.json out of the data dir to start a new one`,
      )
    }
  }

  private write(contacts: Contact[]): Contact[] {
    const book = sorted(contacts)
    const text = JSON.stringify({ format: FORMAT, version: VERSION, contacts: book }, null, 2)
    this.file.write(new TextEncoder().encode(`${text}\n`))
    return book
  }
}

/** The contact as it is kept (name trimmed, an empty note dropped), or why it cannot be. */
export function checkedContact(contact: Contact): Contact {
  const name = typeof contact.name === 'string' ? contact.name.trim() : ''
  if (name.length === 0) throw new WalletRequestError('bad-request', 'a contact needs a name')
  if (name.length > MAX_CONTACT_NAME_CHARS)
    throw new WalletRequestError(
      'bad-request',
      `a contact's name has at most ${MAX_CONTACT_NAME_CHARS} characters`,
    )
  if (typeof contact.address !== 'string' || !ADDRESS.test(contact.address))
    throw new WalletRequestError('bad-request', 'an address is 40 hex characters')
  const note = typeof contact.note === 'string' ? contact.note.trim() : ''
  if (note.length > MAX_CONTACT_NOTE_CHARS)
    throw new WalletRequestError('bad-request', `a note has at most ${MAX_CONTACT_NOTE_CHARS} characters`)
  return note === '' ? { name, address: contact.address } : { name, address: contact.address, note }
}

function parseBook(bytes: Uint8Array): Contact[] {
  if (bytes.length > MAX_FILE_BYTES) throw new Error('it is larger than an address book can be')
  const parsed: unknown = JSON.parse(new TextDecoder().decode(bytes))
  const book = parsed as { format?: unknown; version?: unknown; contacts?: unknown }
  if (book?.format !== FORMAT) throw new Error('it is not an address book')
  if (book.version !== VERSION) throw new Error(`version ${String(book.version)} is not known here`)
  if (!Array.isArray(book.contacts) || book.contacts.length > MAX_CONTACTS)
    throw new Error('its list of contacts is damaged')
  const contacts = (book.contacts as unknown[]).map((entry) => {
    if (typeof entry !== 'object' || entry == null) throw new Error('its list of contacts is damaged')
    return checkedContact(entry as Contact)
  })
  if (new Set(contacts.map((c) => c.address)).size !== contacts.length)
    throw new Error('it lists an address twice')
  return contacts
}

const sorted = (contacts: Contact[]): Contact[] =>
  [...contacts].sort(
    (a, b) =>
      a.name.localeCompare(b.name, undefined, { sensitivity: 'base' }) || a.address.localeCompare(b.address),
  )

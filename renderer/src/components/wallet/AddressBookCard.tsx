/**
 * The address book the node keeps: the people sent to, by name. Picking one fills in the Send form's
 * address (once the wallet is unlocked and can send).
 */
import { useId, useState, type FormEvent } from 'react'
import type { Contact } from '../../../../shared/api'
import { shortId } from '../../lib/format'
import { useHyperMesh } from '../../store/context'
import { selectActions, selectWalletContacts, selectWalletContactsError } from '../../store/selectors'
import { Card, EmptyState } from '../Card'
import { ErrorNotice } from '../Notice'
import { addressOf, contactProblem } from './send-form'
import { useWalletCall } from './use-wallet-call'

export function AddressBookCard({ onPick }: { onPick: ((address: string) => void) | null }) {
  const contacts = useHyperMesh(selectWalletContacts)
  const error = useHyperMesh(selectWalletContactsError)
  return <AddressBook contacts={contacts} error={error} onPick={onPick} />
}

/** The card as it stands, for a given book (the store's, or a test's). */
export function AddressBook({
  contacts,
  error,
  onPick,
}: {
  contacts: readonly Contact[] | null
  error: string | null
  /** Fills the Send form's address; null while the wallet cannot send. */
  onPick: ((address: string) => void) | null
}) {
  const actions = useHyperMesh(selectActions)
  const remove = useWalletCall('removeContact')
  return (
    <Card title="Address book" className="span-5" testId="wallet-contacts">
      {error != null && (
        <ErrorNotice headline="The address book could not be read" role="status">
          {error}
        </ErrorNotice>
      )}
      {contacts == null && error == null && <EmptyState>Reading the address book…</EmptyState>}
      {contacts?.length === 0 && <EmptyState>No contacts yet: add the addresses you send to.</EmptyState>}
      {contacts != null && contacts.length > 0 && (
        <ul className="contacts" aria-label="Contacts">
          {contacts.map((contact) => (
            <ContactItem
              key={contact.address}
              contact={contact}
              onPick={onPick}
              removing={remove.waiting}
              onRemove={() => void remove.run(() => actions.removeWalletContact(contact.address))}
            />
          ))}
        </ul>
      )}
      {remove.error != null && (
        <ErrorNotice headline="Not removed" testId="contact-error">
          {remove.error}
        </ErrorNotice>
      )}
      <AddContactForm />
    </Card>
  )
}

function ContactItem({
  contact,
  onPick,
  removing,
  onRemove,
}: {
  contact: Contact
  onPick: ((address: string) => void) | null
  /** Some wallet call is running: Remove waits for it. */
  removing: boolean
  onRemove(): void
}) {
  return (
    <li className="contact" data-testid="contact">
      <span className="contact-name">{contact.name}</span>
      <code className="mono" title={contact.address}>
        {shortId(contact.address, 10, 6)}
      </code>
      {contact.note != null && <span className="muted contact-note">{contact.note}</span>}
      <span className="contact-actions">
        {onPick != null && (
          <button
            type="button"
            className="button button-compact"
            aria-label={`Send to ${contact.name}`}
            onClick={() => onPick(contact.address)}
          >
            Send
          </button>
        )}
        <button
          type="button"
          className="button button-compact"
          aria-label={`Remove ${contact.name}`}
          disabled={removing}
          onClick={onRemove}
        >
          Remove
        </button>
      </span>
    </li>
  )
}

function AddContactForm() {
  const actions = useHyperMesh(selectActions)
  const save = useWalletCall('saveContact')
  const id = useId()
  const [name, setName] = useState('')
  const [address, setAddress] = useState('')
  const [note, setNote] = useState('')
  const [problem, setProblem] = useState<string | null>(null)

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault()
    if (save.waiting) return
    const found = contactProblem(name, address)
    setProblem(found)
    if (found != null) return
    const contact: Contact = { name: name.trim(), address: addressOf(address) }
    if (note.trim() !== '') contact.note = note.trim()
    if ((await save.run(() => actions.saveWalletContact(contact))) == null) return
    setName('')
    setAddress('')
    setNote('')
  }

  return (
    <form className="wallet-form contact-form" aria-label="Add a contact" onSubmit={(e) => void submit(e)}>
      <div className="form-row form-row-start">
        <span className="field">
          <label htmlFor={`${id}-name`}>Name</label>
          <input id={`${id}-name`} value={name} maxLength={64} onChange={(e) => setName(e.target.value)} />
        </span>
        <span className="field">
          <label htmlFor={`${id}-address`}>Address</label>
          <input
            id={`${id}-address`}
            className="mono"
            value={address}
            placeholder="40 hex characters"
            spellCheck={false}
            autoComplete="off"
            onChange={(e) => setAddress(e.target.value)}
          />
        </span>
      </div>
      <span className="field">
        <label htmlFor={`${id}-note`}>Note (optional)</label>
        <input id={`${id}-note`} value={note} maxLength={256} onChange={(e) => setNote(e.target.value)} />
      </span>
      <div className="form-row form-row-start">
        <button type="submit" className="button" disabled={save.waiting} aria-busy={save.busy}>
          {save.busy ? 'Saving…' : 'Add contact'}
        </button>
        <span className="muted field-hint">A contact at an address already listed is renamed.</span>
      </div>
      {problem != null && (
        <span className="field-hint field-problem" role="alert" data-testid="contact-problem">
          {problem}
        </span>
      )}
      {save.error != null && (
        <ErrorNotice headline="Not saved" testId="contact-error">
          {save.error}
        </ErrorNotice>
      )}
    </form>
  )
}

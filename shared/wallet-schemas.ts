/**
 * The wallet's part of the API contract (docs/caesar.md): a wallet of the person's own, apart from the
 * node's identity, restored from 24 recovery words and sealed at rest under a passphrase they choose.
 * Secrets cross the API only where the person asks for them: the words once, when the wallet is made.
 */
import { z } from 'zod'
import { AddressText, AmountText, TransferReceipt } from './chain-schemas'

/** A wallet passphrase has at least this many characters (after NFKC normalisation). */
export const MIN_PASSPHRASE_CHARS = 8
const Passphrase = z.string().min(1).max(1024)
const Address = AddressText

export const WalletAccount = z.object({
  index: z.number().int().min(0),
  address: Address,
  /** On the active network's ledger; null when the node has no ledger yet. */
  balance: AmountText.nullable(),
})
export type WalletAccount = z.infer<typeof WalletAccount>

export const WalletStatus = z.object({
  /** Whether this node keeps a wallet file. */
  exists: z.boolean(),
  /** While locked, its accounts are listed (addresses only) and nothing can be signed. */
  locked: z.boolean(),
  accounts: z.array(WalletAccount),
  createdAt: z.number().nullable(),
})
export type WalletStatus = z.infer<typeof WalletStatus>

export const WalletCreateRequest = z.object({ passphrase: Passphrase }).strict()
export const WalletCreated = z.object({
  /** The 24 recovery words: shown once, for the person to write down. */
  words: z.string(),
  status: WalletStatus,
})
export type WalletCreated = z.infer<typeof WalletCreated>

export const WalletRestoreRequest = z
  .object({
    words: z.string().max(1024),
    passphrase: Passphrase,
    /** Replace a wallet this node already keeps (its words must be written down elsewhere). */
    replace: z.boolean().optional(),
  })
  .strict()
export type WalletRestoreRequest = z.infer<typeof WalletRestoreRequest>

export const WordsCheckRequest = z.object({ words: z.string().max(1024) }).strict()
export const WordsProblem = z.object({
  kind: z.enum(['count', 'unknown-word', 'checksum']),
  message: z.string(),
  /** 1-based, for an unknown word. */
  position: z.number().int().nullable(),
  /** List words near an unknown word, or the one-word changes that would fix a checksum. */
  suggestions: z.array(z.object({ position: z.number().int(), word: z.string() })),
})
export const WordsCheck = z.object({ problem: WordsProblem.nullable() })
export type WordsCheck = z.infer<typeof WordsCheck>

export const WalletUnlockRequest = z.object({ passphrase: Passphrase }).strict()
export const WalletPassphraseChange = z.object({ current: Passphrase, next: Passphrase }).strict()
export const WalletAddAccountRequest = z.object({ passphrase: Passphrase }).strict()

/** The wallet file as a backup: the same sealed bytes, base64. */
export const WalletBackup = z.object({ fileName: z.string(), data: z.string() })
export type WalletBackup = z.infer<typeof WalletBackup>
export const WalletImportRequest = z
  .object({
    data: z.string().max(96 * 1024),
    passphrase: Passphrase,
    replace: z.boolean().optional(),
  })
  .strict()
export type WalletImportRequest = z.infer<typeof WalletImportRequest>

/** A transfer from one of the wallet's accounts. */
export const WalletSendRequest = z
  .object({
    from: Address,
    to: Address,
    amount: AmountText.refine((a) => a !== '0', 'send more than 0'),
    /** Absent: the network's minimum fee. */
    fee: AmountText.optional(),
  })
  .strict()
export type WalletSendRequest = z.infer<typeof WalletSendRequest>

/** What a transfer would do, for the confirmation before it is signed. */
export const WalletSendPreview = z.object({
  fee: AmountText,
  balance: AmountText,
  /** Null when the balance does not cover the amount and the fee. */
  balanceAfter: AmountText.nullable(),
  /** Why it could not be sent as it stands (empty when it could). */
  problems: z.array(z.string()),
})
export type WalletSendPreview = z.infer<typeof WalletSendPreview>

export const WalletSent = TransferReceipt.extend({ balanceAfter: AmountText })
export type WalletSent = z.infer<typeof WalletSent>

/** The address book holds at most this many contacts. */
export const MAX_CONTACTS = 500
/** A contact's name has 1 to this many characters (spaces around it are dropped). */
export const MAX_CONTACT_NAME_CHARS = 64
export const MAX_CONTACT_NOTE_CHARS = 256

/** Someone to send to, in the address book the node keeps (the same in every window on it). */
export const Contact = z
  .object({
    name: z
      .string()
      .trim()
      .min(1, 'a contact needs a name')
      .max(MAX_CONTACT_NAME_CHARS, `a contact's name has at most ${MAX_CONTACT_NAME_CHARS} characters`),
    address: Address,
    note: z
      .string()
      .max(MAX_CONTACT_NOTE_CHARS, `a note has at most ${MAX_CONTACT_NOTE_CHARS} characters`)
      .optional(),
  })
  .strict()
export type Contact = z.infer<typeof Contact>
export const ContactRef = z.object({ address: Address }).strict()

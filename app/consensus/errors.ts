/** Why the ledger refused something: a code a program can branch on, and a message a person can act on. */
export type RejectionCode =
  | 'malformed'
  | 'oversized'
  | 'wrong-chain'
  | 'wrong-key'
  | 'bad-signature'
  | 'wrong-nonce'
  | 'unknown-account'
  | 'insufficient-balance'
  | 'insufficient-stake'
  | 'fee-too-low'
  | 'not-a-validator'
  | 'already-a-validator'
  | 'last-validator'
  | 'validator-set-full'
  | 'duplicate'
  | 'invalid-proof'
  | 'invalid-block'
  | 'invalid-evidence'
  | 'unknown-asset'
  | 'invalid-receipt'
  | 'stale'
  | 'unknown-job'
  | 'not-authorized'
  | 'job-closed'
  | 'too-early'
  | 'unknown-order'
  | 'self-trade'
  | 'too-many-orders'
  | 'unknown-escrow'
  | 'escrow-closed'

export class LedgerRejection extends Error {
  constructor(
    readonly code: RejectionCode,
    message: string,
  ) {
    super(message)
    this.name = 'LedgerRejection'
  }
}

export const reject = (code: RejectionCode, message: string): never => {
  throw new LedgerRejection(code, message)
}

/**
 * Why the node's ledger could not do what it was asked, where no rule of the ledger was broken: the
 * request itself is wrong, what it names does not exist, or the ledger cannot do it now. The API layer
 * turns it into its own error codes.
 */
export class LedgerRequestError extends Error {
  constructor(
    readonly kind: 'bad-request' | 'not-found' | 'busy',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options)
    this.name = 'LedgerRequestError'
  }
}

/**
 * Why the assets subsystem could not do what it was asked: the request is wrong, what it names does not
 * exist, a peer it needs could not be reached, it holds as much as it allows at once (busy: try later),
 * or its own records are damaged. The API layer turns it
 * into the contract's error codes.
 */
export class AssetRequestError extends Error {
  constructor(
    readonly kind: 'bad-request' | 'not-found' | 'unreachable' | 'busy' | 'internal',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options)
    this.name = 'AssetRequestError'
  }
}

/** A request about jobs that cannot be served as asked; the node's API maps the code to its error codes. */
export type JobRequestCode = 'bad-request' | 'not-found' | 'busy' | 'unreachable' | 'unavailable'

export class JobRequestError extends Error {
  constructor(
    readonly code: JobRequestCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options)
    this.name = 'JobRequestError'
  }
}

import type { ErrorKind } from '../errors.ts'

/** Why one attempt failed, in the terms routing/failure.ts classifies. */
export interface UpstreamFailure {
  status?: number
  bodyText?: string
  headers?: Headers
  /** What the upstream's error body means, when it says more than its status (a 400 for a bad key). */
  kind?: ErrorKind
  /** How long the upstream asked us to wait: retry-after-ms / Retry-After headers, or the body's own hint. */
  retryAfterMs?: number
  isTimeout?: boolean
  isConnectionError?: boolean
  /** One line for logs and for the client when this is the last failure. */
  message: string
}

/** Why one attempt failed, in the terms routing/failure.ts classifies. */
export interface UpstreamFailure {
  status?: number
  bodyText?: string
  headers?: Headers
  isTimeout?: boolean
  isConnectionError?: boolean
  /** One line for logs and for the client when this is the last failure. */
  message: string
}

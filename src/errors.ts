/**
 * What went wrong, independent of protocol. Code throws meaning; only a protocol's encodeError decides
 * what the body looks like.
 */
export type ErrorKind =
  | 'invalid_request' // 400
  | 'authentication' // 401
  | 'permission' // 403
  | 'not_found' // 404
  | 'request_too_large' // 413
  | 'rate_limited' // 429
  | 'billing' // 429, a client budget is spent (x-should-retry: false)
  | 'api_error' // 500 (llmux or upstream internal error)
  | 'bad_gateway' // 502 (upstream answered with something unusable)
  | 'unavailable' // 503
  | 'timeout' // 504
  | 'overloaded' // 529
  | 'not_implemented' // 501

export const statusOf: Record<ErrorKind, number> = {
  invalid_request: 400,
  authentication: 401,
  permission: 403,
  not_found: 404,
  request_too_large: 413,
  rate_limited: 429,
  billing: 429,
  api_error: 500,
  bad_gateway: 502,
  unavailable: 503,
  timeout: 504,
  overloaded: 529,
  not_implemented: 501,
}

export interface GatewayErrorOptions {
  /** Overrides the status implied by the kind (e.g. an upstream's own status on a forwarded error). */
  status?: number
  retryAfterMs?: number
  /** Adds `x-should-retry: false`: retrying cannot help (bad key, budget reached). */
  isFinal?: boolean
  /** The field at fault, when one is (OpenAI `param`). */
  param?: string
}

export class GatewayError extends Error {
  readonly kind: ErrorKind
  readonly status: number
  readonly retryAfterMs?: number
  readonly isFinal: boolean
  readonly param?: string

  constructor(kind: ErrorKind, message: string, options: GatewayErrorOptions = {}) {
    super(message)
    this.name = 'GatewayError'
    this.kind = kind
    this.status = options.status ?? statusOf[kind]
    this.retryAfterMs = options.retryAfterMs
    this.isFinal = options.isFinal ?? false
    this.param = options.param
  }
}

/** The kind that best describes an HTTP status (for upstream errors and same-protocol forwarding). */
export function kindOfStatus(status: number): ErrorKind {
  if (status === 400 || status === 422) return 'invalid_request'
  if (status === 401) return 'authentication'
  if (status === 402) return 'billing'
  if (status === 403) return 'permission'
  if (status === 404) return 'not_found'
  if (status === 408 || status === 504) return 'timeout'
  if (status === 413) return 'request_too_large'
  if (status === 429) return 'rate_limited'
  if (status === 503) return 'unavailable'
  if (status === 529) return 'overloaded'
  if (status === 502) return 'bad_gateway'
  return 'api_error'
}

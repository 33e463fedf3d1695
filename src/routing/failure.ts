/**
 * The one place that decides what an upstream failure means (SPEC §6). Retryable failures move on to
 * the next fitting backend; the rest go back to the client at once.
 */
export interface FailureInput {
  status?: number
  bodyText?: string
  isTimeout?: boolean
  isConnectionError?: boolean
}

export interface Failure {
  isRetryable: boolean
  /** The prompt did not fit: only backends with a larger context are tried next. */
  isContextLength: boolean
  /** The backend itself is at fault (down, overloaded, limited) and should cool down. */
  shouldCoolDown: boolean
  reason: string
}

const RETRYABLE_STATUSES = new Set([408, 409, 429, 500, 502, 503, 504, 529])

/**
 * How providers say the prompt is too long: OpenAI `context_length_exceeded` / "maximum context length",
 * Anthropic "prompt is too long", and the phrasings of OpenAI-compatible servers (vLLM, Groq, Mistral,
 * Ollama, Gemini): "too many tokens", "context window", "exceeds the context", "input is too long",
 * "reduce the length of the messages", "input token count … exceeds".
 */
const CONTEXT_TOO_LONG =
  /context_length_exceeded|maximum context length|prompt is too long|too many (input )?tokens|context window|exceeds? (the )?(model's |maximum )?context|input (is )?too long|reduce the length of the (messages|prompt|input)|input token count.{0,40}exceeds/i

/** Only the start of an error body is read: the message is there, and bodies can be large. */
const SCANNED_BODY_CHARS = 4096

export function classifyFailure(input: FailureInput): Failure {
  if (input.isTimeout) return retryable('timeout')
  if (input.isConnectionError) return retryable('connection error')
  const status = input.status
  if (status === undefined) return retryable('no answer')
  if (RETRYABLE_STATUSES.has(status)) return retryable(`HTTP ${status}`)
  if (status === 400 && isContextTooLong(input.bodyText)) {
    return { isRetryable: true, isContextLength: true, shouldCoolDown: false, reason: 'context too long' }
  }
  return { isRetryable: false, isContextLength: false, shouldCoolDown: false, reason: `HTTP ${status}` }
}

export function isContextTooLong(bodyText: string | undefined): boolean {
  if (bodyText === undefined) return false
  return CONTEXT_TOO_LONG.test(bodyText.length > SCANNED_BODY_CHARS ? bodyText.slice(0, SCANNED_BODY_CHARS) : bodyText)
}

function retryable(reason: string): Failure {
  return { isRetryable: true, isContextLength: false, shouldCoolDown: true, reason }
}

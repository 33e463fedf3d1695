import type { Config } from '../config/config.ts'

export const REDACTED = '[redacted]'

/** Shorter values are not secrets worth the name, and replacing them would mangle ordinary text. */
const MIN_SECRET_CHARS = 8

/**
 * Replaces configured provider keys and client tokens wherever an upstream quotes them (a 401's
 * "Incorrect API key provided: sk-…", an error event), so they never reach a client or a log line
 * (SPEC §4: never a provider key). Built once per config.
 */
export interface Redactor {
  /** The text with every secret replaced by `[redacted]`; the same string when it holds none. */
  text(text: string): string
  /** A redactor for one stream's chunks, or undefined when there is nothing to redact. */
  stream(): StreamRedactor | undefined
}

/**
 * Redacts a stream chunk by chunk. A secret split across two chunks is caught too: a chunk's tail that
 * could begin a secret is held back until the next chunk (or the end) shows what follows. SSE chunks
 * end with a blank line, so in practice nothing is held.
 */
export interface StreamRedactor {
  push(chunk: string | Uint8Array): string | Uint8Array
  /** What is still held back. */
  end(): string | Uint8Array
}

export function secretsOf(config: Config): string[] {
  const keys = Object.values(config.providers).map((provider) => provider.apiKey)
  return [...keys, ...config.tokens.map((token) => token.key)].filter((secret): secret is string => secret !== undefined)
}

export function secretRedactor(secrets: string[]): Redactor {
  const forms = new Set<string>()
  for (const secret of secrets) {
    if (secret.length < MIN_SECRET_CHARS) continue
    forms.add(secret)
    // As it appears inside a JSON string (a quote, a backslash, a slash may be escaped there).
    forms.add(JSON.stringify(secret).slice(1, -1))
    forms.add(JSON.stringify(secret).slice(1, -1).replaceAll('/', '\\/'))
  }
  // Longest first: a secret that contains another is replaced whole.
  const texts = [...forms].sort((a, b) => b.length - a.length)
  if (texts.length === 0) return { text: (text) => text, stream: () => undefined }
  const encoder = new TextEncoder()
  const byteForms = texts.map((text) => Buffer.from(encoder.encode(text)))
  const redactedBytes = Buffer.from(REDACTED)
  const text = (input: string) => {
    let out = input
    for (const secret of texts) if (out.includes(secret)) out = out.replaceAll(secret, REDACTED)
    return out
  }
  const bytes = (input: Uint8Array): Uint8Array => {
    let out = Buffer.from(input.buffer, input.byteOffset, input.byteLength)
    for (const secret of byteForms) if (out.indexOf(secret) !== -1) out = replaceBytes(out, secret, redactedBytes)
    return out
  }
  return {
    text,
    stream: () => chunkRedactor(text, bytes, texts, byteForms),
  }
}

function chunkRedactor(
  text: (input: string) => string,
  bytes: (input: Uint8Array) => Uint8Array,
  texts: string[],
  byteForms: Buffer[],
): StreamRedactor {
  let held: string | Uint8Array = ''
  return {
    push(chunk) {
      const joined = held.length === 0 ? chunk : join(held, chunk)
      if (typeof joined === 'string') {
        const out = text(joined)
        const keep = heldTextLength(out, texts)
        held = keep === 0 ? '' : out.slice(out.length - keep)
        return keep === 0 ? out : out.slice(0, out.length - keep)
      }
      const out = bytes(joined)
      const keep = heldBytesLength(out, byteForms)
      held = keep === 0 ? '' : out.subarray(out.length - keep)
      return keep === 0 ? out : out.subarray(0, out.length - keep)
    },
    end() {
      const rest = held
      held = ''
      return rest
    },
  }
}

/** How many characters at the end of `text` could be the start of a secret. */
function heldTextLength(text: string, secrets: string[]): number {
  let longest = 0
  for (const secret of secrets) {
    for (let length = Math.min(secret.length - 1, text.length); length > longest; length--) {
      if (text.charCodeAt(text.length - length) === secret.charCodeAt(0) && text.endsWith(secret.slice(0, length))) {
        longest = length
        break
      }
    }
  }
  return longest
}

function heldBytesLength(data: Uint8Array, secrets: Buffer[]): number {
  let longest = 0
  for (const secret of secrets) {
    for (let length = Math.min(secret.length - 1, data.length); length > longest; length--) {
      if (data[data.length - length] === secret[0] && Buffer.compare(data.subarray(data.length - length), secret.subarray(0, length)) === 0) {
        longest = length
        break
      }
    }
  }
  return longest
}

function replaceBytes(data: Buffer, secret: Buffer, replacement: Buffer): Buffer {
  const parts: Buffer[] = []
  let from = 0
  for (let at = data.indexOf(secret); at !== -1; at = data.indexOf(secret, from)) {
    parts.push(data.subarray(from, at), replacement)
    from = at + secret.length
  }
  parts.push(data.subarray(from))
  return Buffer.concat(parts)
}

/** Held text and a new chunk as one piece: text when both are text, else bytes. */
function join(held: string | Uint8Array, chunk: string | Uint8Array): string | Uint8Array {
  if (typeof held === 'string' && typeof chunk === 'string') return held + chunk
  const encoder = new TextEncoder()
  const first = typeof held === 'string' ? encoder.encode(held) : held
  const second = typeof chunk === 'string' ? encoder.encode(chunk) : chunk
  return Buffer.concat([first, second])
}

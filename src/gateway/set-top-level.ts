/**
 * Sets top-level fields of a JSON object given as text, leaving every other byte as it came: the
 * passthrough body with only `model` (and stream usage) changed, without parsing and re-serialising a
 * request that may be hundreds of kB (JSON.stringify of a 48 kB Claude Code request costs ~90 µs; this
 * scan skips strings with indexOf and costs a fraction of it). Unknown fields, key order, number
 * spelling and whitespace survive untouched.
 *
 * A key present at the top level (every occurrence, so a body with a duplicate key reads the new value
 * whichever one a parser keeps) gets its value replaced; a missing one is appended. Only for text that
 * JSON.parse already accepted; anything the scan does not expect gives undefined, and the caller
 * serialises the parsed object instead.
 */
export function setTopLevel(text: string, fields: Readonly<Record<string, unknown>>): string | undefined {
  let at = skipSpace(text, 0)
  if (text.charCodeAt(at) !== OPEN_BRACE) return undefined
  at = skipSpace(text, at + 1)
  const replaced: { start: number; end: number; key: string }[] = []
  let hasKeys = false
  if (text.charCodeAt(at) !== CLOSE_BRACE) {
    hasKeys = true
    for (;;) {
      if (text.charCodeAt(at) !== QUOTE) return undefined
      const keyEnd = stringEnd(text, at)
      if (keyEnd === -1) return undefined
      const raw = text.slice(at + 1, keyEnd - 1)
      const key = raw.includes('\\') ? (JSON.parse(text.slice(at, keyEnd)) as string) : raw
      at = skipSpace(text, keyEnd)
      if (text.charCodeAt(at) !== COLON) return undefined
      const start = skipSpace(text, at + 1)
      const end = valueEnd(text, start)
      if (end === -1) return undefined
      if (Object.hasOwn(fields, key)) replaced.push({ start, end, key })
      at = skipSpace(text, end)
      const next = text.charCodeAt(at)
      if (next === CLOSE_BRACE) break
      if (next !== COMMA) return undefined
      at = skipSpace(text, at + 1)
    }
  }
  const closeAt = at
  if (skipSpace(text, closeAt + 1) !== text.length) return undefined
  let out = ''
  let from = 0
  for (const { start, end, key } of replaced) {
    out += text.slice(from, start) + JSON.stringify(fields[key])
    from = end
  }
  const added = Object.keys(fields).filter((key) => fields[key] !== undefined && !replaced.some((span) => span.key === key))
  out += text.slice(from, closeAt)
  if (added.length > 0) out += (hasKeys ? ',' : '') + added.map((key) => `${JSON.stringify(key)}:${JSON.stringify(fields[key])}`).join(',')
  return out + text.slice(closeAt)
}

const QUOTE = 34
const BACKSLASH = 92
const COMMA = 44
const COLON = 58
const OPEN_BRACE = 123
const CLOSE_BRACE = 125
const OPEN_BRACKET = 91
const CLOSE_BRACKET = 93

function isSpace(code: number): boolean {
  return code === 32 || code === 10 || code === 13 || code === 9
}

function skipSpace(text: string, at: number): number {
  while (at < text.length && isSpace(text.charCodeAt(at))) at++
  return at
}

/** Just past the string whose opening quote is at `at`, or -1. */
function stringEnd(text: string, at: number): number {
  let from = at + 1
  for (;;) {
    const quote = text.indexOf('"', from)
    if (quote === -1) return -1
    let backslashes = 0
    while (text.charCodeAt(quote - 1 - backslashes) === BACKSLASH) backslashes++
    if (backslashes % 2 === 0) return quote + 1
    from = quote + 1
  }
}

/** Just past the value that starts at `at`, or -1. */
function valueEnd(text: string, at: number): number {
  const first = text.charCodeAt(at)
  if (first === QUOTE) return stringEnd(text, at)
  if (first === OPEN_BRACE || first === OPEN_BRACKET) {
    let depth = 0
    for (let index = at; index < text.length; ) {
      const code = text.charCodeAt(index)
      if (code === QUOTE) {
        index = stringEnd(text, index)
        if (index === -1) return -1
        continue
      }
      if (code === OPEN_BRACE || code === OPEN_BRACKET) depth++
      else if ((code === CLOSE_BRACE || code === CLOSE_BRACKET) && --depth === 0) return index + 1
      index++
    }
    return -1
  }
  // A number, true, false or null: up to the next delimiter.
  let index = at
  while (index < text.length) {
    const code = text.charCodeAt(index)
    if (code === COMMA || code === CLOSE_BRACE || code === CLOSE_BRACKET || isSpace(code)) break
    index++
  }
  return index > at ? index : -1
}

/**
 * Whether text from an SSE stream holds a `data:` line that cannot be JSON: every data line of the
 * streams llmux relays is one JSON value (or OpenAI's `[DONE]`), so it starts with `{` or `[` and ends
 * with `}` or `]`. A line that does not was cut or garbled by the upstream. A cheap scan, for passthrough
 * chunks that skip the parser: only lines that begin with `data:` are looked at. `text` must end on a
 * line end (a partial last line is not judged).
 */
export function hasMalformedData(text: string): boolean {
  let at = text.startsWith('data:') ? 0 : text.indexOf('\ndata:')
  while (at !== -1) {
    const start = at === 0 ? 5 : at + 6
    const end = text.indexOf('\n', start)
    if (end === -1) return false
    if (isMalformedLine(text, start, end)) return true
    at = text.indexOf('\ndata:', end - 1)
  }
  return false
}

/** One event's data, as the parser gives it. */
export const isMalformedValue = (data: string): boolean => isMalformedLine(data, 0, data.length)

function isMalformedLine(text: string, from: number, to: number): boolean {
  let start = from
  while (start < to && text.charCodeAt(start) === 32) start++
  let end = to
  while (end > start && (text.charCodeAt(end - 1) === 13 || text.charCodeAt(end - 1) === 32)) end--
  if (end === start) return false // an empty data line carries nothing
  const first = text.charCodeAt(start)
  const last = text.charCodeAt(end - 1)
  return !((first === 123 && last === 125) || (first === 91 && last === 93)) // {…} or […]
}

const DATA_LINE = Buffer.from('\ndata:')
const DATA = Buffer.from('data:')

/** hasMalformedData over raw bytes (the markers are ASCII), so a passthrough chunk is never decoded for it. */
export function hasMalformedDataBytes(bytes: Uint8Array): boolean {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  let start = buffer.subarray(0, 5).equals(DATA) ? 5 : nextDataStart(buffer, 0)
  while (start !== -1) {
    const end = buffer.indexOf(10, start)
    if (end === -1) return false
    if (isMalformedBytes(buffer, start, end)) return true
    start = nextDataStart(buffer, end)
  }
  return false
}

/** Where the value of the next `data:` line at or after `from` (a line end) begins, or -1. */
function nextDataStart(buffer: Buffer, from: number): number {
  const at = buffer.indexOf(DATA_LINE, from)
  return at === -1 ? -1 : at + DATA_LINE.length
}

function isMalformedBytes(bytes: Buffer, from: number, to: number): boolean {
  let start = from
  while (start < to && bytes[start] === 32) start++
  let end = to
  while (end > start && (bytes[end - 1] === 13 || bytes[end - 1] === 32)) end--
  if (end === start) return false
  const first = bytes[start]
  const last = bytes[end - 1]
  return !((first === 123 && last === 125) || (first === 91 && last === 93))
}

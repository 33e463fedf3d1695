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

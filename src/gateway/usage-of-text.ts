import type { Usage } from '../ir/usage.ts'
import type { Protocol } from '../protocols/protocol.ts'

/**
 * Usage of a passthrough answer without parsing the whole body: both protocols put one `"usage"`
 * object near the end, so only that object is parsed. Falls back to a full parse when the slice is not
 * plain JSON (e.g. "usage" inside a string near the end).
 */
export function usageOfText(protocol: Protocol, text: string): Usage | undefined {
  const key = text.lastIndexOf('"usage"')
  if (key === -1) return undefined
  const start = text.indexOf('{', key + 7)
  const end = start === -1 ? -1 : matchingBrace(text, start)
  if (end !== -1) {
    try {
      return protocol.usageOfResponse({ usage: JSON.parse(text.slice(start, end + 1)) })
    } catch {
      // fall through to the full parse
    }
  }
  try {
    return protocol.usageOfResponse(JSON.parse(text))
  } catch {
    return undefined
  }
}

/** Index of the `}` closing the object that opens at `start`, skipping strings; -1 if it never closes. */
function matchingBrace(text: string, start: number): number {
  let depth = 0
  let isInString = false
  for (let i = start; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (isInString) {
      if (code === 92) i++ // backslash: skip the escaped character
      else if (code === 34) isInString = false
    } else if (code === 34) isInString = true
    else if (code === 123) depth++
    else if (code === 125 && --depth === 0) return i
  }
  return -1
}

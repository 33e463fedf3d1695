// How a passthrough Responses stream is read on the side (STYLE "next shape" 1).
import type { SseEvent } from '../../sse/parse-sse.ts'
import type { PassthroughProbe } from '../protocol.ts'
import { isObject } from '../read-json.ts'
import { TERMINAL_TYPES } from './usage.ts'

/** The event's type: its `event:` line when it has one (OpenAI always sends it), else its data's `type`. */
function typeOf(event: SseEvent): string | undefined {
  if (event.event !== undefined) return event.event
  try {
    const data: unknown = JSON.parse(event.data)
    return isObject(data) && typeof data.type === 'string' ? data.type : undefined
  } catch {
    return undefined
  }
}

export const probe: PassthroughProbe = {
  isTerminal: (event) => TERMINAL_TYPES.has(typeOf(event) ?? ''),
  isError: (event) => {
    const type = typeOf(event)
    return type === 'error' || type === 'response.failed'
  },
  // Every event but these can skip the SSE parser. `"error"` also matches the `"error":null` of every
  // response snapshot: a false positive only costs a parse.
  markers: ['"response.completed"', '"response.incomplete"', '"response.failed"', '"error"'],
}

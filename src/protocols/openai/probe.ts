import type { SseEvent } from '../../sse/parse-sse.ts'
import type { PassthroughProbe } from '../protocol.ts'

/**
 * How llmux reads a Chat Completions stream it passes through: `[DONE]` ends it, an `{"error"…}` data
 * line is an error, and usage comes only when asked (stream_options.include_usage), in a chunk whose
 * `choices` is empty.
 */
/** `"usage":null` rides on every chunk once usage is asked for: only an object (compact or spaced JSON) is worth parsing. */
const USAGE_MARKERS = ['"usage":{', '"usage": {']

export const probe: PassthroughProbe = {
  isTerminal: (event) => event.data === '[DONE]',
  isError: (event) => event.data.startsWith('{"error"'),
  markers: [...USAGE_MARKERS, '[DONE]', '"error"'],
  usageRequest: {
    fieldsFor(json) {
      if (json.stream !== true) return undefined
      const options = typeof json.stream_options === 'object' && json.stream_options !== null ? (json.stream_options as Record<string, unknown>) : {}
      return options.include_usage === true ? undefined : { stream_options: { ...options, include_usage: true } }
    },
    usageMarkers: USAGE_MARKERS,
    isUsageOnly: (event: SseEvent) => {
      const json = parsedObject(event.data)
      return json !== undefined && Array.isArray(json.choices) && json.choices.length === 0 && typeof json.usage === 'object' && json.usage !== null
    },
  },
}

function parsedObject(data: string): Record<string, unknown> | undefined {
  try {
    const json: unknown = JSON.parse(data)
    return typeof json === 'object' && json !== null ? (json as Record<string, unknown>) : undefined
  } catch {
    return undefined
  }
}

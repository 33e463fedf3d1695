// The `response` object a Responses client reads: the non-streamed body, and the snapshot inside
// response.created / .in_progress / .completed / .incomplete / .failed events.
import type { ResponsesOutputItem, ResponsesResponse, ResponsesStatus, ResponsesUsage } from './wire.ts'

export interface ResponseHead {
  id: string
  model: string
  /** Unix seconds. */
  createdS: number
}

export interface ResponseState {
  status: ResponsesStatus
  output: ResponsesOutputItem[]
  usage: ResponsesUsage | null
  incompleteReason?: 'max_output_tokens' | 'content_filter'
  error?: { code: string; message: string }
}

/**
 * Every field the openai SDK's `Response` type requires is present. The request's own settings are not
 * known here: `tools`, `tool_choice`, `parallel_tool_calls`, `temperature` and `top_p` are the defaults
 * Codex and the SDKs ignore (they read only id, status, output, usage and error). `output_text` is not
 * wire: the SDK computes it.
 */
export function responseObject(head: ResponseHead, state: ResponseState): ResponsesResponse {
  return {
    id: head.id,
    object: 'response',
    created_at: head.createdS,
    status: state.status,
    error: state.error ?? null,
    incomplete_details: state.incompleteReason === undefined ? null : { reason: state.incompleteReason },
    instructions: null,
    metadata: {},
    model: head.model,
    output: state.output,
    parallel_tool_calls: true,
    temperature: null,
    tool_choice: 'auto',
    tools: [],
    top_p: null,
    store: false,
    usage: state.usage,
  }
}

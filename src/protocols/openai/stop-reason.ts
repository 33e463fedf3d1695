import type { StopReason } from '../../ir/response.ts'
import type { OpenAIFinishReason } from './wire.ts'

/**
 * finish_reason → IR stop reason. A server that says "stop" while it returned tool calls (older Ollama
 * and vLLM builds do) still asked for tools to run, so tool calls win. Unknown or missing → end_turn.
 */
export function decodeFinishReason(reason: unknown, hasToolCalls: boolean): StopReason {
  if (hasToolCalls && (reason === 'stop' || reason === 'tool_calls' || reason === 'function_call')) return 'tool_use'
  switch (reason) {
    case 'length':
      return 'max_tokens'
    case 'tool_calls':
    case 'function_call': // the pre-tools name for the same thing
      return 'tool_use'
    case 'content_filter':
      return 'content_filter'
    default:
      return 'end_turn'
  }
}

/** IR stop reason → finish_reason. The matched stop sequence has no field in Chat Completions: dropped. */
export function encodeStopReason(reason: StopReason): OpenAIFinishReason {
  switch (reason) {
    case 'max_tokens':
      return 'length'
    case 'tool_use':
      return 'tool_calls'
    case 'refusal':
    case 'content_filter':
      return 'content_filter'
    case 'end_turn':
    case 'stop_sequence':
    case 'pause_turn': // a server-tool pause; to an OpenAI client the turn simply ended
      return 'stop'
  }
}

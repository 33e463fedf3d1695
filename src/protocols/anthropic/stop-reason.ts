// Stop reasons. The IR uses Anthropic's vocabulary, so most map to themselves.
import type { StopReason } from '../../ir/index.ts'
import type { AnthropicStopReason } from './wire.ts'

const sameName: readonly StopReason[] = ['end_turn', 'max_tokens', 'tool_use', 'stop_sequence', 'refusal', 'pause_turn']

export function decodeStopReason(value: unknown): StopReason {
  const known = sameName.find((reason) => reason === value)
  if (known !== undefined) return known
  // model_context_window_exceeded: the answer was cut for lack of room, as with max_tokens.
  if (value === 'model_context_window_exceeded') return 'max_tokens'
  // null (the answer is not over) or a reason newer than this code: the turn simply ended.
  return 'end_turn'
}

export function encodeStopReason(reason: StopReason): AnthropicStopReason {
  // An upstream content filter is the nearest thing Anthropic has to a refusal.
  return reason === 'content_filter' ? 'refusal' : reason
}

import type { ContentPart } from './content.ts'
import type { Usage } from './usage.ts'

/** Why the model stopped, in Anthropic's vocabulary (the richer of the two). */
export type StopReason =
  | 'end_turn'
  | 'max_tokens'
  | 'tool_use'
  | 'stop_sequence'
  | 'refusal'
  | 'pause_turn'
  | 'content_filter'

export interface ChatResponse {
  id: string
  model: string
  content: ContentPart[]
  stopReason: StopReason
  /** The stop sequence that matched, when stopReason is 'stop_sequence' and the upstream said which. */
  stopSequence?: string
  usage: Usage
}

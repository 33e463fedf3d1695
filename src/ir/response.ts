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
  /** The upstream's id; undefined when it gave none (the encoder mints one). */
  id?: string
  model?: string
  content: ContentPart[]
  stopReason: StopReason
  /** The stop sequence that matched, when stopReason is 'stop_sequence' and the upstream said which. */
  stopSequence?: string
  /** The upstream's own stop or finish reason, as it said it. */
  rawStopReason?: string
  usage: Usage
}

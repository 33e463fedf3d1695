import type { ErrorKind } from '../errors.ts'
import type { Provenance } from './content.ts'
import type { StopReason } from './response.ts'
import type { Usage } from './usage.ts'

/**
 * One step of a streamed answer. Decoders turn upstream events into these; encoders turn them into the
 * client's events. Block boundaries are implied by changes of part type (and by tool call index).
 */
export type StreamPart =
  /** id and model are undefined when the upstream gave none (the encoder falls back to its context). */
  | { type: 'start'; id?: string; model?: string; usage?: Usage }
  | { type: 'text'; text: string }
  | { type: 'thinking'; text: string }
  /** Closes the reasoning before it: who produced it and its token (SPEC §7.1). */
  | { type: 'signature'; provenance: Provenance }
  | { type: 'redacted_thinking'; data: string }
  /** A new tool call. `index` counts tool calls within this answer, from 0. */
  | { type: 'tool_call_start'; index: number; id: string; name: string; itemId?: string }
  | { type: 'tool_call_delta'; index: number; arguments: string }
  | { type: 'usage'; usage: Usage }
  | { type: 'finish'; stopReason: StopReason; stopSequence?: string; usage?: Usage }
  /** The upstream is alive but silent (Anthropic ping, or a timer in the gateway). */
  | { type: 'ping' }
  /** `retryAfterMs`: how long until trying again can help, when known (a rate limit's wait). */
  | { type: 'error'; kind: ErrorKind; message: string; retryAfterMs?: number }

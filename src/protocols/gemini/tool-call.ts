import type { ToolCallPart } from '../../ir/index.ts'
import { isObject, stringOrUndefined, type JsonObject } from './narrow.ts'

/**
 * Gemini's function calls have no ids, so llmux names each after its answer and its position in it:
 * `call_<responseId>_<index>_<name>` (responseId left out when Gemini sends none). Deterministic, never
 * random, and unique across a conversation, which clients and Anthropic backends require of tool ids.
 * Only [A-Za-z0-9_-] survive, the characters every client accepts in an id.
 */
export function mintToolCallId(responseId: string | undefined, index: number, name: string): string {
  const id = responseId === undefined ? `call_${index}_${name}` : `call_${responseId}_${index}_${name}`
  return id.replace(/[^A-Za-z0-9_-]/g, '_')
}

/** A functionCall part as an IR tool call; `index` counts the calls of this answer from 0. */
export function decodeFunctionCall(
  call: JsonObject,
  responseId: string | undefined,
  index: number,
): Omit<ToolCallPart, 'type'> {
  const name = stringOrUndefined(call.name) ?? ''
  const id = stringOrUndefined(call.id) ?? mintToolCallId(responseId, index, name)
  // Gemini sends whole calls with args as an object; the IR carries the JSON text.
  return { id, name, arguments: JSON.stringify(isObject(call.args) ? call.args : {}) }
}

// A Responses `response` object ↔ ChatResponse.
import { GatewayError } from '../../errors.ts'
import type { ContentPart, Provenance, ThinkingPart, ToolCallPart } from '../../ir/content.ts'
import type { ChatResponse, StopReason } from '../../ir/response.ts'
import { flatNameOf } from '../../ir/flat-tools.ts'
import type { StreamContext } from '../protocol.ts'
import { decodeErrorObject } from './error.ts'
import { responseIdOf } from './ids.ts'
import { outputItemsOf } from './output-items.ts'
import { isObject, stringOr, type JsonObject } from '../read-json.ts'
import { responseObject } from './response-object.ts'
import { decodeUsage, encodeUsage } from './usage.ts'
import type { ResponsesResponse } from './wire.ts'

const badGateway = (message: string): GatewayError => new GatewayError('bad_gateway', `upstream response: ${message}`)

/** A Responses backend's answer → ChatResponse. A failed response (or a 200 carrying an error) throws its meaning. */
export function decodeResponse(body: unknown): ChatResponse {
  if (!isObject(body)) throw badGateway('expected a JSON object')
  if (isObject(body.error) || body.status === 'failed') {
    const { kind, message } = decodeErrorObject(body.error)
    throw new GatewayError(kind, message)
  }
  if (!Array.isArray(body.output)) throw badGateway('no output array')
  const content = body.output.flatMap(decodeOutputItem)
  const response: ChatResponse = {
    id: stringOr(body.id),
    model: stringOr(body.model),
    content,
    stopReason: stopReasonOf(body, content),
    usage: decodeUsage(body.usage) ?? {},
  }
  const raw = incompleteReasonOf(body) ?? stringOr(body.status)
  if (raw !== undefined) response.rawStopReason = raw
  return response
}

function decodeOutputItem(raw: unknown): ContentPart[] {
  if (!isObject(raw)) return []
  switch (raw.type) {
    case 'message':
      return Array.isArray(raw.content) ? raw.content.flatMap(textOfPart) : []
    case 'function_call':
    case 'custom_tool_call':
      return callOf(raw)
    case 'reasoning':
      return [reasoningOf(raw)]
    default:
      // Hosted tool calls (web_search_call, file_search_call, image_generation_call, mcp_*) and
      // compaction items have no IR home: dropped.
      return []
  }
}

function textOfPart(part: unknown): ContentPart[] {
  if (!isObject(part)) return []
  // Annotations (citations) and logprobs have no IR home: dropped. A refusal was said: it stays as text.
  const text = part.type === 'output_text' ? stringOr(part.text) : part.type === 'refusal' ? stringOr(part.refusal) : undefined
  return text ? [{ type: 'text', text }] : []
}

/**
 * A call, its name flattened with its namespace: a client of another protocol was offered flat tools.
 * A custom call's raw input is its arguments; `kind: 'custom'` is kept (only a Responses client, through
 * the IR, could use it).
 */
function callOf(item: JsonObject): ToolCallPart[] {
  const name = stringOr(item.name)
  const callId = stringOr(item.call_id)
  if (name === undefined || callId === undefined) return []
  const isCustom = item.type === 'custom_tool_call'
  const call: ToolCallPart = {
    type: 'tool_call',
    id: callId,
    name: flatNameOf(name, stringOr(item.namespace)),
    arguments: (isCustom ? stringOr(item.input) : stringOr(item.arguments)) ?? '',
  }
  const itemId = stringOr(item.id)
  if (itemId !== undefined) call.itemId = itemId
  if (isCustom) call.kind = 'custom'
  return [call]
}

function reasoningOf(item: JsonObject): ThinkingPart {
  const summary = textsOf(item.summary, 'summary_text')
  const full = textsOf(item.content, 'reasoning_text')
  const provenance: Provenance = { origin: 'responses' }
  const token = stringOr(item.encrypted_content)
  if (token) provenance.token = token
  const itemId = stringOr(item.id)
  if (itemId !== undefined) provenance.itemId = itemId
  const part: ThinkingPart = { type: 'thinking', text: full || summary, provenance }
  if (full === '') part.isSummary = true
  return part
}

const textsOf = (value: unknown, type: string): string =>
  (Array.isArray(value) ? value : [])
    .flatMap((part) => (isObject(part) && part.type === type && typeof part.text === 'string' ? [part.text] : []))
    .join('\n\n')

const incompleteReasonOf = (body: JsonObject): string | undefined =>
  body.status === 'incomplete' && isObject(body.incomplete_details) ? stringOr(body.incomplete_details.reason) : undefined

function stopReasonOf(body: JsonObject, content: ContentPart[]): StopReason {
  if (body.status === 'incomplete') return incompleteReasonOf(body) === 'content_filter' ? 'content_filter' : 'max_tokens'
  if (content.some((part) => part.type === 'tool_call')) return 'tool_use'
  return (body.output as unknown[]).some(hasRefusal) ? 'refusal' : 'end_turn'
}

const hasRefusal = (item: unknown): boolean =>
  isObject(item) && Array.isArray(item.content) && item.content.some((part) => isObject(part) && part.type === 'refusal')

/** What encodeResponse needs besides the answer (a StreamContext has it all). */
export type ResponseContext = Pick<StreamContext, 'id' | 'model' | 'created'> &
  Partial<Pick<StreamContext, 'tools' | 'includeReasoningToken' | 'estimatedInputTokens'>>

/** ChatResponse → the `response` object a Responses client reads. */
export function encodeResponse(response: ChatResponse, context: ResponseContext): ResponsesResponse {
  const id = responseIdOf(response.id || context.id)
  const { tools, includeReasoningToken } = context
  const output = outputItemsOf(response.content, { responseId: id, tools, includeReasoningToken })
  const incompleteReason = incompleteReasonOfStop(response.stopReason)
  return responseObject(
    { id, model: response.model || context.model, createdS: context.created },
    {
      status: incompleteReason === undefined ? 'completed' : 'incomplete',
      output,
      usage: encodeUsage(response.usage, context.estimatedInputTokens),
      ...(incompleteReason !== undefined && { incompleteReason }),
    },
  )
}

/** Stop reasons a Responses client knows as an incomplete answer; the others simply completed. */
export function incompleteReasonOfStop(reason: StopReason): 'max_output_tokens' | 'content_filter' | undefined {
  if (reason === 'max_tokens') return 'max_output_tokens'
  if (reason === 'content_filter') return 'content_filter'
  return undefined
}

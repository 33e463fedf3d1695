/**
 * A realistic OpenAI Responses API upstream for tests: builders for the non-streamed `response` object and
 * for the streamed SSE grammar (shapes follow `openai/resources/responses/responses.d.ts`, v6), and a
 * Bun.serve mock on 127.0.0.1 that answers `POST /v1/responses` by echoing, calling a tool the last user text
 * names, or answering `done: <output>` after a tool output. Checked against the openai SDK's own parser in
 * test/protocols/responses-mock.test.ts.
 */
import { sseResponse, startMockUpstream, type MockHandler, type MockUpstream, type SeenRequest } from './mock-upstream.ts'

export type { SeenRequest, MockHandler, MockUpstream }

/** One output item of an answer, in the order it is produced. */
export type ResponsesOutputPart =
  | { type: 'text'; text: string; id?: string }
  | { type: 'reasoning'; summary: string; encryptedContent?: string; id?: string }
  | { type: 'function_call'; callId: string; name: string; arguments: string; id?: string }
  | { type: 'custom_tool_call'; callId: string; name: string; input: string; id?: string }

export interface ResponsesUsage {
  input_tokens?: number
  cached_tokens?: number
  /** In the v6 SDK's ResponseUsage type as required; 0 unless given. */
  cache_write_tokens?: number
  output_tokens?: number
  reasoning_tokens?: number
}

/**
 * What the upstream answers. The shorthand fields are emitted in the order reasoning, text, functionCall,
 * customToolCall; `items` (if given) is emitted instead, in its own order, for several items or repeats.
 */
export interface ResponsesAnswer {
  text?: string
  reasoning?: { summary: string; encryptedContent?: string }
  functionCall?: { callId: string; name: string; arguments: string }
  customToolCall?: { callId: string; name: string; input: string }
  items?: ResponsesOutputPart[]
  usage?: ResponsesUsage
  id?: string
  model?: string
  /** `incomplete` sets `incomplete_details: {reason: 'max_output_tokens'}` and ends a stream with `response.incomplete`. */
  status?: 'completed' | 'incomplete'
}

export interface ResponsesBuildOptions {
  /** The request body being answered: its settings are echoed the way the real API echoes them (tools, instructions, reasoning …). */
  request?: Record<string, unknown>
  /** Seconds since the epoch for `created_at` (default a fixed 1760000000). */
  createdAt?: number
  /** Size of each streamed delta in characters (default: one word per delta for text, 12 characters for arguments/input). */
  deltaSize?: number
}

const hex = (length: number) => {
  let out = ''
  while (out.length < length) out += Math.floor(Math.random() * 0x100000000).toString(16).padStart(8, '0')
  return out.slice(0, length)
}
export const responsesId = (prefix: 'resp' | 'msg' | 'rs' | 'fc' | 'ctc' = 'resp') => `${prefix}_${hex(48)}`

export type ResponsesOutputItem = ResponsesOutputPart & { id: string }

/** The answer's items in order, each with an item id (given or generated). */
export function answerItems(answer: ResponsesAnswer): ResponsesOutputItem[] {
  const items: ResponsesOutputPart[] = answer.items
    ? [...answer.items]
    : [
        ...(answer.reasoning ? [{ type: 'reasoning' as const, ...answer.reasoning }] : []),
        ...(answer.text !== undefined ? [{ type: 'text' as const, text: answer.text }] : []),
        ...(answer.functionCall ? [{ type: 'function_call' as const, ...answer.functionCall }] : []),
        ...(answer.customToolCall ? [{ type: 'custom_tool_call' as const, ...answer.customToolCall }] : []),
      ]
  const prefix = { text: 'msg', reasoning: 'rs', function_call: 'fc', custom_tool_call: 'ctc' } as const
  return items.map((item) => ({ ...item, id: item.id ?? responsesId(prefix[item.type]) }))
}

/** The finished output item (what `response.output_item.done` and the non-streamed `output` carry). */
export function outputItem(part: ResponsesOutputItem, status: 'completed' | 'incomplete' = 'completed'): Record<string, unknown> {
  switch (part.type) {
    case 'text':
      return { id: part.id, type: 'message', status, content: [{ type: 'output_text', annotations: [], logprobs: [], text: part.text }], role: 'assistant' }
    case 'reasoning':
      return {
        id: part.id,
        type: 'reasoning',
        ...(part.encryptedContent !== undefined ? { encrypted_content: part.encryptedContent } : {}),
        summary: part.summary ? [{ type: 'summary_text', text: part.summary }] : [],
      }
    case 'function_call':
      return { id: part.id, type: 'function_call', status, arguments: part.arguments, call_id: part.callId, name: part.name }
    case 'custom_tool_call':
      return { id: part.id, type: 'custom_tool_call', status, call_id: part.callId, input: part.input, name: part.name }
  }
}

/** The item as `response.output_item.added` announces it: empty content, status in_progress. */
function addedItem(part: ResponsesOutputItem): Record<string, unknown> {
  switch (part.type) {
    case 'text':
      return { id: part.id, type: 'message', status: 'in_progress', content: [], role: 'assistant' }
    case 'reasoning':
      return { id: part.id, type: 'reasoning', summary: [] }
    case 'function_call':
      return { id: part.id, type: 'function_call', status: 'in_progress', arguments: '', call_id: part.callId, name: part.name }
    case 'custom_tool_call':
      return { id: part.id, type: 'custom_tool_call', status: 'in_progress', call_id: part.callId, input: '', name: part.name }
  }
}

function usageOf(answer: ResponsesAnswer, items: ResponsesOutputPart[]) {
  const produced = items.map((item) => (item.type === 'text' ? item.text : item.type === 'reasoning' ? item.summary : item.type === 'function_call' ? item.arguments : item.input)).join('')
  const reasoningTokens = answer.usage?.reasoning_tokens ?? (items.some((item) => item.type === 'reasoning') ? 64 : 0)
  const input = answer.usage?.input_tokens ?? 21
  const output = answer.usage?.output_tokens ?? Math.max(1, Math.ceil(produced.length / 4)) + reasoningTokens
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: answer.usage?.cached_tokens ?? 0, cache_write_tokens: answer.usage?.cache_write_tokens ?? 0 },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: reasoningTokens },
    total_tokens: input + output,
  }
}

/** The response object around some output, with the request's settings echoed like the real API does. */
function responseObject(
  answer: ResponsesAnswer,
  options: ResponsesBuildOptions,
  state: { id: string; status: 'in_progress' | 'completed' | 'incomplete' | 'failed'; output: unknown[]; usage: unknown; error?: { code: string; message: string } },
): Record<string, unknown> {
  const request = options.request ?? {}
  const createdAt = options.createdAt ?? 1760000000
  const finished = state.status !== 'in_progress'
  const reasoning = (request.reasoning ?? {}) as Record<string, unknown>
  const text = (request.text ?? {}) as Record<string, unknown>
  return {
    id: state.id,
    object: 'response',
    created_at: createdAt,
    status: state.status,
    background: request.background ?? false,
    completed_at: state.status === 'completed' ? createdAt + 1 : null,
    error: state.error ?? null,
    incomplete_details: state.status === 'incomplete' ? { reason: 'max_output_tokens' } : null,
    instructions: request.instructions ?? null,
    max_output_tokens: request.max_output_tokens ?? null,
    max_tool_calls: request.max_tool_calls ?? null,
    model: answer.model ?? (request.model as string | undefined) ?? 'gpt-mock',
    output: state.output,
    parallel_tool_calls: request.parallel_tool_calls ?? true,
    previous_response_id: request.previous_response_id ?? null,
    prompt_cache_key: request.prompt_cache_key ?? null,
    prompt_cache_retention: request.prompt_cache_retention ?? null,
    reasoning: { effort: reasoning.effort ?? null, summary: reasoning.summary ?? null },
    safety_identifier: request.safety_identifier ?? null,
    service_tier: finished ? 'default' : (request.service_tier ?? 'auto'),
    store: request.store ?? true,
    temperature: request.temperature ?? 1,
    text: { format: text.format ?? { type: 'text' }, verbosity: text.verbosity ?? 'medium' },
    tool_choice: request.tool_choice ?? 'auto',
    tools: request.tools ?? [],
    top_logprobs: request.top_logprobs ?? 0,
    top_p: request.top_p ?? 1,
    truncation: request.truncation ?? 'disabled',
    usage: state.usage,
    user: request.user ?? null,
    metadata: request.metadata ?? {},
  }
}

/** The non-streamed `response` object JSON for an answer. */
export function responsesBody(answer: ResponsesAnswer, options: ResponsesBuildOptions = {}): Record<string, unknown> {
  const items = answerItems(answer)
  const status = answer.status ?? 'completed'
  return responseObject(answer, options, {
    id: answer.id ?? responsesId('resp'),
    status,
    output: items.map((item, index) => outputItem(item, status === 'incomplete' && index === items.length - 1 ? 'incomplete' : 'completed')),
    usage: usageOf(answer, items),
  })
}

function splitDeltas(text: string, size?: number, fallbackSize?: number): string[] {
  if (text === '') return []
  const chunkSize = size ?? fallbackSize
  if (chunkSize) {
    const out: string[] = []
    for (let at = 0; at < text.length; at += chunkSize) out.push(text.slice(at, at + chunkSize))
    return out
  }
  return text.match(/\s*\S+|\s+$/g) ?? [text]
}

/** One SSE event, exactly as the real API frames it. */
export const responsesSseEvent = (data: Record<string, unknown>) => `event: ${data.type}\ndata: ${JSON.stringify(data)}\n\n`

interface EventOptions extends ResponsesBuildOptions {
  /** Ends with `response.failed` carrying this error (after the items emitted so far), instead of completing. */
  failWith?: { code: string; message: string }
  /** Emits only the first N items' events before failing (with failWith) or being cut. */
  itemsBeforeEnd?: number
  /** Leaves out the terminal event (the stream just stops). */
  cut?: boolean
}

/** The event objects (before SSE framing) of a streamed answer, with increasing `sequence_number`. */
export function responsesEventObjects(answer: ResponsesAnswer, options: EventOptions = {}): Record<string, unknown>[] {
  const items = answerItems(answer)
  const id = answer.id ?? responsesId('resp')
  const status = answer.status ?? 'completed'
  const events: Record<string, unknown>[] = []
  const push = (event: Record<string, unknown>) => {
    const { type, ...rest } = event
    events.push({ type, sequence_number: events.length, ...rest })
  }
  const snapshot = (state: Parameters<typeof responseObject>[2]) => responseObject(answer, options, state)
  push({ type: 'response.created', response: snapshot({ id, status: 'in_progress', output: [], usage: null }) })
  push({ type: 'response.in_progress', response: snapshot({ id, status: 'in_progress', output: [], usage: null }) })
  const emitted = items.slice(0, options.itemsBeforeEnd ?? items.length)
  const done: Record<string, unknown>[] = []
  emitted.forEach((item, output_index) => {
    const item_id = item.id
    const itemStatus = status === 'incomplete' && output_index === items.length - 1 ? 'incomplete' : 'completed'
    push({ type: 'response.output_item.added', output_index, item: addedItem(item) })
    if (item.type === 'text') {
      const part = (text: string) => ({ type: 'output_text', annotations: [], logprobs: [], text })
      push({ type: 'response.content_part.added', item_id, output_index, content_index: 0, part: part('') })
      for (const delta of splitDeltas(item.text, options.deltaSize)) push({ type: 'response.output_text.delta', item_id, output_index, content_index: 0, delta, logprobs: [] })
      push({ type: 'response.output_text.done', item_id, output_index, content_index: 0, text: item.text, logprobs: [] })
      push({ type: 'response.content_part.done', item_id, output_index, content_index: 0, part: part(item.text) })
    } else if (item.type === 'reasoning') {
      if (item.summary) {
        push({ type: 'response.reasoning_summary_part.added', item_id, output_index, summary_index: 0, part: { type: 'summary_text', text: '' } })
        for (const delta of splitDeltas(item.summary, options.deltaSize)) push({ type: 'response.reasoning_summary_text.delta', item_id, output_index, summary_index: 0, delta })
        push({ type: 'response.reasoning_summary_text.done', item_id, output_index, summary_index: 0, text: item.summary })
        push({ type: 'response.reasoning_summary_part.done', item_id, output_index, summary_index: 0, part: { type: 'summary_text', text: item.summary } })
      }
    } else if (item.type === 'function_call') {
      for (const delta of splitDeltas(item.arguments, options.deltaSize, 12)) push({ type: 'response.function_call_arguments.delta', item_id, output_index, delta })
      push({ type: 'response.function_call_arguments.done', item_id, output_index, name: item.name, arguments: item.arguments })
    } else {
      for (const delta of splitDeltas(item.input, options.deltaSize, 12)) push({ type: 'response.custom_tool_call_input.delta', item_id, output_index, delta })
      push({ type: 'response.custom_tool_call_input.done', item_id, output_index, input: item.input })
    }
    const finished = outputItem(item, itemStatus)
    done.push(finished)
    push({ type: 'response.output_item.done', output_index, item: finished })
  })
  if (options.cut) return events
  if (options.failWith) {
    push({ type: 'response.failed', response: snapshot({ id, status: 'failed', output: done, usage: null, error: options.failWith }) })
    return events
  }
  push({
    type: status === 'incomplete' ? 'response.incomplete' : 'response.completed',
    response: snapshot({ id, status, output: done, usage: usageOf(answer, items) }),
  })
  return events
}

/** The streamed answer as SSE chunk strings, one event per chunk (`event: <type>\ndata: {...}\n\n`). */
export function responsesEvents(answer: ResponsesAnswer, options: ResponsesBuildOptions = {}): string[] {
  return responsesEventObjects(answer, options).map(responsesSseEvent)
}

/** A stream that starts (created, in_progress, the first `itemsBeforeFailure` items) and ends with `response.failed`. */
export function responsesFailedEvents(
  answer: ResponsesAnswer,
  error: { code: string; message: string } = { code: 'server_error', message: 'The server had an error while processing your request.' },
  options: ResponsesBuildOptions & { itemsBeforeFailure?: number } = {},
): string[] {
  return responsesEventObjects(answer, { ...options, failWith: error, itemsBeforeEnd: options.itemsBeforeFailure ?? 0 }).map(responsesSseEvent)
}

/** A stream that is cut: every event up to (and by default including all items), but no terminal event. */
export function responsesCutEvents(answer: ResponsesAnswer, options: ResponsesBuildOptions & { itemsBeforeCut?: number } = {}): string[] {
  return responsesEventObjects(answer, { ...options, cut: true, itemsBeforeEnd: options.itemsBeforeCut }).map(responsesSseEvent)
}

/** The HTTP answer of a Responses upstream: JSON, or SSE when `stream`. */
export function responsesHttpAnswer(answer: ResponsesAnswer, options: ResponsesBuildOptions & { stream?: boolean } = {}): Response {
  const headers = { 'x-request-id': `req_${hex(32)}`, 'openai-processing-ms': '42' }
  if (options.stream) {
    const response = sseResponse(responsesEvents(answer, options))
    for (const [name, value] of Object.entries(headers)) response.headers.set(name, value)
    response.headers.set('content-type', 'text/event-stream; charset=utf-8')
    return response
  }
  return Response.json(responsesBody(answer, options), { headers })
}

/** An error in the OpenAI shape, e.g. for a 400/429/500 from the upstream. */
export const responsesError = (status: number, message: string, type = 'invalid_request_error', code: string | null = null) =>
  Response.json({ error: { message, type, param: null, code } }, { status })

type InputItem = Record<string, unknown>

const textOf = (content: unknown): string => {
  if (typeof content === 'string') return content
  if (!Array.isArray(content)) return ''
  return content.map((part: { type?: string; text?: string }) => (part.type === 'input_text' || part.type === 'output_text' || part.type === 'text' ? (part.text ?? '') : '')).join('')
}

/** The input items of a Responses request (a string input is one user message). */
export function responsesInput(body: Record<string, unknown>): InputItem[] {
  const input = body.input
  if (typeof input === 'string') return [{ type: 'message', role: 'user', content: input }]
  return Array.isArray(input) ? (input as InputItem[]) : []
}

/** The text of the last user message of a Responses request. */
export function responsesLastUserText(body: Record<string, unknown>): string {
  const user = [...responsesInput(body)].reverse().find((item) => (item.type === 'message' || item.type === undefined) && item.role === 'user')
  return user ? textOf(user.content) : ''
}

/** Arguments that satisfy a JSON schema well enough for a mock call (required properties filled in). */
function sampleFor(schema: Record<string, unknown> | undefined): unknown {
  if (!schema) return {}
  if (Array.isArray(schema.enum) && schema.enum.length) return schema.enum[0]
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type
  switch (type) {
    case 'object': {
      const properties = (schema.properties ?? {}) as Record<string, Record<string, unknown>>
      const required = (schema.required as string[] | undefined) ?? Object.keys(properties)
      return Object.fromEntries(required.map((name) => [name, sampleFor(properties[name])]))
    }
    case 'array':
      return []
    case 'number':
    case 'integer':
      return 1
    case 'boolean':
      return true
    case 'null':
      return null
    default:
      return 'mock'
  }
}

/**
 * What the default mock answers to a Responses request:
 * - the last input item is a `function_call_output` / `custom_tool_call_output`: text `done: <output>`;
 * - the last user text names a declared tool: a call of it (a `function` tool gets the JSON object written
 *   after its name, or arguments made from its schema; a `custom` tool gets the text after its name);
 * - otherwise text `mock: <last user text>`.
 * A request with `reasoning` gets a reasoning item first (with `encrypted_content` when `include` asks for it).
 */
export function defaultResponsesAnswer(body: Record<string, unknown>): ResponsesAnswer {
  const input = responsesInput(body)
  const last = input[input.length - 1]
  const items: ResponsesOutputPart[] = []
  const userText = responsesLastUserText(body)
  if (body.reasoning) {
    const wantsEncrypted = Array.isArray(body.include) && body.include.includes('reasoning.encrypted_content')
    items.push({ type: 'reasoning', summary: `Thinking about: ${userText}`.slice(0, 200), ...(wantsEncrypted ? { encryptedContent: `gAAAAmock${Buffer.from(userText).toString('base64')}` } : {}) })
  }
  if (last && (last.type === 'function_call_output' || last.type === 'custom_tool_call_output')) {
    const output = typeof last.output === 'string' ? last.output : textOf(last.output)
    items.push({ type: 'text', text: `done: ${output}` })
    return { items }
  }
  const tools = (Array.isArray(body.tools) ? body.tools : []) as { type: string; name?: string; parameters?: Record<string, unknown> }[]
  const tool = tools.find((candidate) => candidate.name && new RegExp(`\\b${candidate.name.replace(/[^\w]/g, '\\$&')}\\b`).test(userText))
  if (tool?.name) {
    const after = userText.slice(userText.indexOf(tool.name) + tool.name.length).trim()
    if (tool.type === 'custom') {
      items.push({ type: 'custom_tool_call', callId: `call_${hex(24)}`, name: tool.name, input: after || 'input' })
    } else {
      let args: unknown
      const json = after.match(/\{[\s\S]*\}/)?.[0]
      try {
        args = json ? JSON.parse(json) : undefined
      } catch {
        args = undefined
      }
      items.push({ type: 'function_call', callId: `call_${hex(24)}`, name: tool.name, arguments: JSON.stringify(args ?? sampleFor(tool.parameters)) })
    }
    return { items }
  }
  items.push({ type: 'text', text: `mock: ${userText}` })
  return { items }
}

/** The default handler: `POST /v1/responses` answered with defaultResponsesAnswer (streamed if body.stream); anything else 404. */
export const defaultResponsesHandler: MockHandler = (request) => {
  if (request.method !== 'POST' || !request.path.replace(/\?.*$/, '').endsWith('/responses')) {
    return responsesError(404, `Invalid URL (${request.method} ${request.path})`, 'invalid_request_error')
  }
  return responsesHttpAnswer(defaultResponsesAnswer(request.body), { request: request.body, stream: request.body.stream === true })
}

/** A Responses API upstream on 127.0.0.1 (port 0) that records every request; `handler` replaces the default answers. */
export function startResponsesMock(handler: MockHandler = defaultResponsesHandler): MockUpstream {
  return startMockUpstream(handler)
}

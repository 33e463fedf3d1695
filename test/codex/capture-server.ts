/**
 * A tiny Responses API server for Codex CLI: records every request and answers `POST /v1/responses`
 * with a scripted, streamed Responses answer in the real event grammar, and `GET /v1/models` with a
 * Codex model catalog that makes Codex offer apply_patch as a freeform (custom) tool.
 *
 * Scenarios (what the first turn answers; once the request carries a tool output, the answer is text):
 *   plain        a text answer
 *   shell        a function_call to Codex's shell tool running `echo llmux-shell-ok`
 *   apply-patch  a custom_tool_call to apply_patch adding hello.txt
 */

export type Scenario = 'plain' | 'shell' | 'apply-patch'

export interface CapturedRequest {
  method: string
  path: string
  query: string
  headers: Record<string, string>
  body: unknown
  status: number
  /** The SSE text (or JSON text) answered. */
  response?: string
}

export interface CaptureServer {
  url: string
  captured: CapturedRequest[]
  stop(): void
}

export interface CaptureOptions {
  /**
   * Called for every `POST /v1/responses` (index counts them from 0) before the scripted answer; a
   * Response returned here is sent instead (to probe how Codex handles errors).
   */
  override?: (index: number, body: ResponsesBody) => Response | undefined
  /**
   * Status for a WebSocket upgrade (`GET /v1/responses`, `upgrade: websocket`, sent only when the provider
   * has supports_websockets = true); default 426 Upgrade Required, which makes Codex use HTTP at once.
   */
  websocketStatus?: number
  /** The model catalog served on `GET /v1/models` (default: codexCatalog()). */
  catalog?: unknown
}

export interface ResponsesBody {
  model?: string
  input?: Array<Record<string, unknown>>
  tools?: Array<Record<string, unknown>>
  [key: string]: unknown
}

export const SHELL_MARKER = 'llmux-shell-ok'
export const PATCH_FILE = 'hello.txt'
export const PATCH_TEXT = 'hello from llmux'
export const PATCH = `*** Begin Patch\n*** Add File: ${PATCH_FILE}\n+${PATCH_TEXT}\n*** End Patch\n`

/** The model Codex is run with; it is in the catalog below with apply_patch_tool_type "freeform". */
export const CODEX_MODEL = 'gpt-5.5'

/**
 * One catalog entry as Codex 0.171 deserialises it (`ModelInfo`, codex-rs/protocol/src/openai_models.rs).
 * Fields without a serde default are required; the others are shown with the values that matter.
 */
export function codexModelEntry(slug: string, contextWindow = 272_000): Record<string, unknown> {
  return {
    slug,
    display_name: slug,
    description: `${slug} through llmux`,
    default_reasoning_level: 'medium',
    supported_reasoning_levels: [
      { effort: 'low', description: 'Fast responses with lighter reasoning' },
      { effort: 'medium', description: 'Balances speed and reasoning depth' },
      { effort: 'high', description: 'Greater reasoning depth' },
    ],
    shell_type: 'shell_command',
    visibility: 'list',
    supported_in_api: true,
    priority: 1,
    upgrade: null,
    // Without instructions here (or model_messages.instructions_template) Codex sends no base prompt at all.
    base_instructions: 'You are Codex, a coding agent, running through llmux.',
    supports_reasoning_summaries: true,
    support_verbosity: true,
    default_verbosity: 'low',
    apply_patch_tool_type: 'freeform',
    truncation_policy: { mode: 'tokens', limit: 10_000 },
    supports_parallel_tool_calls: true,
    context_window: contextWindow,
    experimental_supported_tools: [],
    input_modalities: ['text', 'image'],
    prefer_websockets: false,
  }
}

export function codexCatalog(): unknown {
  return { models: [codexModelEntry(CODEX_MODEL)] }
}

/** Writes Responses SSE events: `event:` + `data:` lines, each data JSON with `type` and `sequence_number`. */
class EventWriter {
  private sequence = 0
  readonly chunks: string[] = []
  emit(type: string, fields: Record<string, unknown>): void {
    const data = { type, sequence_number: this.sequence++, ...fields }
    this.chunks.push(`event: ${type}\ndata: ${JSON.stringify(data)}\n\n`)
  }
  text(): string {
    return this.chunks.join('')
  }
}

type Item = Record<string, unknown>

let idCounter = 0
function newId(prefix: string): string {
  idCounter += 1
  return `${prefix}_llmux${Date.now().toString(36)}${idCounter.toString().padStart(4, '0')}`
}

function messageEvents(w: EventWriter, outputIndex: number, text: string): Item {
  const id = newId('msg')
  w.emit('response.output_item.added', {
    output_index: outputIndex,
    item: { id, type: 'message', status: 'in_progress', role: 'assistant', content: [] },
  })
  w.emit('response.content_part.added', {
    item_id: id, output_index: outputIndex, content_index: 0,
    part: { type: 'output_text', text: '', annotations: [] },
  })
  const half = Math.ceil(text.length / 2)
  for (const delta of [text.slice(0, half), text.slice(half)]) {
    if (delta) w.emit('response.output_text.delta', { item_id: id, output_index: outputIndex, content_index: 0, delta, logprobs: [] })
  }
  w.emit('response.output_text.done', { item_id: id, output_index: outputIndex, content_index: 0, text, logprobs: [] })
  const part = { type: 'output_text', text, annotations: [] }
  w.emit('response.content_part.done', { item_id: id, output_index: outputIndex, content_index: 0, part })
  const item = { id, type: 'message', status: 'completed', role: 'assistant', content: [part] }
  w.emit('response.output_item.done', { output_index: outputIndex, item })
  return item
}

function reasoningEvents(w: EventWriter, outputIndex: number, summary: string): Item {
  const id = newId('rs')
  w.emit('response.output_item.added', { output_index: outputIndex, item: { id, type: 'reasoning', summary: [] } })
  w.emit('response.reasoning_summary_part.added', {
    item_id: id, output_index: outputIndex, summary_index: 0, part: { type: 'summary_text', text: '' },
  })
  w.emit('response.reasoning_summary_text.delta', { item_id: id, output_index: outputIndex, summary_index: 0, delta: summary })
  w.emit('response.reasoning_summary_text.done', { item_id: id, output_index: outputIndex, summary_index: 0, text: summary })
  w.emit('response.reasoning_summary_part.done', {
    item_id: id, output_index: outputIndex, summary_index: 0, part: { type: 'summary_text', text: summary },
  })
  const item = { id, type: 'reasoning', summary: [{ type: 'summary_text', text: summary }] }
  w.emit('response.output_item.done', { output_index: outputIndex, item })
  return item
}

function functionCallEvents(w: EventWriter, outputIndex: number, name: string, args: string): Item {
  const id = newId('fc')
  const callId = newId('call')
  w.emit('response.output_item.added', {
    output_index: outputIndex,
    item: { id, type: 'function_call', status: 'in_progress', arguments: '', call_id: callId, name },
  })
  w.emit('response.function_call_arguments.delta', { item_id: id, output_index: outputIndex, delta: args })
  w.emit('response.function_call_arguments.done', { item_id: id, output_index: outputIndex, name, arguments: args })
  const item = { id, type: 'function_call', status: 'completed', arguments: args, call_id: callId, name }
  w.emit('response.output_item.done', { output_index: outputIndex, item })
  return item
}

function customToolCallEvents(w: EventWriter, outputIndex: number, name: string, input: string): Item {
  const id = newId('ctc')
  const callId = newId('call')
  w.emit('response.output_item.added', {
    output_index: outputIndex,
    item: { id, type: 'custom_tool_call', status: 'in_progress', call_id: callId, input: '', name },
  })
  const cut = input.indexOf('\n') + 1
  for (const delta of [input.slice(0, cut), input.slice(cut)]) {
    if (delta) w.emit('response.custom_tool_call_input.delta', { item_id: id, output_index: outputIndex, delta })
  }
  w.emit('response.custom_tool_call_input.done', { item_id: id, output_index: outputIndex, input })
  const item = { id, type: 'custom_tool_call', status: 'completed', call_id: callId, input, name }
  w.emit('response.output_item.done', { output_index: outputIndex, item })
  return item
}

/** A whole streamed answer: created, in_progress, the items, completed with id and usage. */
export function streamAnswer(model: string, build: (w: EventWriter) => Item[]): string {
  const w = new EventWriter()
  const id = newId('resp')
  const created_at = Math.floor(Date.now() / 1000)
  const base = {
    id, object: 'response', created_at, model, error: null, incomplete_details: null,
    parallel_tool_calls: true, tool_choice: 'auto', tools: [], store: false,
  }
  w.emit('response.created', { response: { ...base, status: 'in_progress', output: [], usage: null } })
  w.emit('response.in_progress', { response: { ...base, status: 'in_progress', output: [], usage: null } })
  const output = build(w)
  w.emit('response.completed', {
    response: {
      ...base, status: 'completed', output,
      usage: {
        input_tokens: 1200,
        input_tokens_details: { cached_tokens: 1024 },
        output_tokens: 40,
        output_tokens_details: { reasoning_tokens: 8 },
        total_tokens: 1240,
      },
    },
  })
  return w.text()
}

function toolNames(body: ResponsesBody): string[] {
  const names: string[] = []
  for (const tool of body.tools ?? []) {
    if (typeof tool.name === 'string') names.push(tool.name)
    if (Array.isArray(tool.tools)) for (const inner of tool.tools as Item[]) if (typeof inner.name === 'string') names.push(`${String(tool.name)}.${String(inner.name)}`)
  }
  return names
}

/** Codex's shell tool as offered in this request, and arguments that run `command` with it. */
export function shellCall(body: ResponsesBody, command: string): { name: string; args: string } {
  const names = toolNames(body)
  if (names.includes('exec_command')) return { name: 'exec_command', args: JSON.stringify({ cmd: command }) }
  if (names.includes('shell_command')) return { name: 'shell_command', args: JSON.stringify({ command }) }
  if (names.includes('shell')) return { name: 'shell', args: JSON.stringify({ command: ['bash', '-lc', command] }) }
  throw new Error(`no shell tool among ${names.join(', ')}`)
}

function toolOutputs(body: ResponsesBody): Item[] {
  return (body.input ?? []).filter((item) => item.type === 'function_call_output' || item.type === 'custom_tool_call_output')
}

function outputText(item: Item): string {
  const output = item.output
  if (typeof output === 'string') return output
  if (Array.isArray(output)) return output.map((part: Item) => String(part.text ?? '')).join('')
  return JSON.stringify(output)
}

export function scriptedAnswer(scenario: Scenario, body: ResponsesBody): string {
  const model = body.model ?? CODEX_MODEL
  const outputs = toolOutputs(body)
  if (outputs.length > 0) {
    const last = outputText(outputs[outputs.length - 1]!)
    const text = scenario === 'shell'
      ? `The command printed: ${last.includes(SHELL_MARKER) ? SHELL_MARKER : last}`
      : `Done: ${PATCH_FILE} was created.`
    return streamAnswer(model, (w) => [messageEvents(w, 0, text)])
  }
  switch (scenario) {
    case 'plain':
      return streamAnswer(model, (w) => [messageEvents(w, 0, 'hi from llmux')])
    case 'shell': {
      const { name, args } = shellCall(body, `echo ${SHELL_MARKER}`)
      return streamAnswer(model, (w) => [
        reasoningEvents(w, 0, 'Running the command the user asked for.'),
        functionCallEvents(w, 1, name, args),
      ])
    }
    case 'apply-patch':
      return streamAnswer(model, (w) => [customToolCallEvents(w, 0, 'apply_patch', PATCH)])
  }
}

function redactHeaders(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [name, value] of headers) {
    out[name] = name === 'authorization' || name === 'x-api-key' || name === 'cookie' ? '<redacted>' : value
  }
  return out
}

async function readBody(request: Request): Promise<unknown> {
  const bytes = new Uint8Array(await request.arrayBuffer())
  if (bytes.length === 0) return null
  const encoding = request.headers.get('content-encoding')
  if (encoding) return { encoding, base64: Buffer.from(bytes).toString('base64') }
  const text = new TextDecoder().decode(bytes)
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

export function startCaptureServer(scenario: Scenario, options: CaptureOptions = {}): CaptureServer {
  const captured: CapturedRequest[] = []
  let responsesCount = 0
  const server = Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    idleTimeout: 0,
    async fetch(request) {
      const url = new URL(request.url)
      const body = await readBody(request)
      const record: CapturedRequest = {
        method: request.method, path: url.pathname, query: url.search,
        headers: redactHeaders(request.headers), body, status: 0,
      }
      captured.push(record)
      const answer = (response: Response, text?: string): Response => {
        record.status = response.status
        if (text !== undefined) record.response = text
        return response
      }
      if (request.headers.get('upgrade')?.toLowerCase() === 'websocket') {
        const status = options.websocketStatus ?? 426
        const text = JSON.stringify({ error: { message: 'WebSocket is not supported here; use HTTP POST', type: 'invalid_request_error', param: null, code: 'websocket_not_supported' } })
        return answer(new Response(text, { status, headers: { 'content-type': 'application/json' } }), text)
      }
      if (request.method === 'GET' && url.pathname === '/v1/models') {
        const text = JSON.stringify(options.catalog ?? codexCatalog())
        return answer(new Response(text, { headers: { 'content-type': 'application/json' } }), text)
      }
      if (request.method === 'POST' && url.pathname === '/v1/responses') {
        const index = responsesCount++
        const parsed = (body ?? {}) as ResponsesBody
        const override = options.override?.(index, parsed)
        if (override) {
          const text = await override.clone().text()
          return answer(override, text)
        }
        const text = scriptedAnswer(scenario, parsed)
        return answer(new Response(text, { headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' } }), text)
      }
      const text = JSON.stringify({ error: { message: `no route ${request.method} ${url.pathname}`, type: 'invalid_request_error', param: null, code: 'not_found' } })
      return answer(new Response(text, { status: 404, headers: { 'content-type': 'application/json' } }), text)
    },
  })
  return {
    url: `http://127.0.0.1:${server.port}`,
    captured,
    stop: () => server.stop(true),
  }
}

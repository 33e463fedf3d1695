/**
 * A small Anthropic Messages server that records every request Claude Code makes. Used by capture.ts to
 * learn (and save as fixtures) what Claude Code really sends. It asks once for the Bash tool, then answers.
 */
export interface CapturedRequest {
  method: string
  path: string
  query: string
  headers: Record<string, string>
  body: unknown
  status: number
  /** The raw answer (SSE text or JSON) that Claude Code accepted. */
  response: string
}

const SECRET_HEADERS = new Set(['x-api-key', 'authorization'])

function visibleHeaders(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {}
  headers.forEach((value, name) => {
    out[name] = SECRET_HEADERS.has(name) ? '<redacted>' : value
  })
  return out
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** True when the last message carries a tool_result block. */
export function hasToolResult(body: unknown): boolean {
  const messages = isRecord(body) && Array.isArray(body.messages) ? body.messages : []
  const last: unknown = messages[messages.length - 1]
  return isRecord(last) && Array.isArray(last.content) &&
    last.content.some((block: unknown) => isRecord(block) && block.type === 'tool_result')
}

/** True when Bash is declared and the conversation asks for the test's echo command. */
export function wantsEcho(body: unknown): boolean {
  const tools = isRecord(body) && Array.isArray(body.tools) ? body.tools : []
  const hasBash = tools.some((tool: unknown) => isRecord(tool) && tool.name === 'Bash')
  return hasBash && isRecord(body) && JSON.stringify(body.messages).includes('echo llmux-tool-ok')
}

type Block = { type: 'text'; text: string } | { type: 'tool_use'; id: string; name: string; input: Record<string, string> }

function answerFor(body: unknown): Block {
  if (wantsEcho(body) && !hasToolResult(body)) {
    const input = { command: 'echo llmux-tool-ok', description: 'Print a test marker' }
    return { type: 'tool_use', id: 'toolu_capture_1', name: 'Bash', input }
  }
  return { type: 'text', text: hasToolResult(body) ? 'The command printed: llmux-tool-ok' : 'Hi from the capture server.' }
}

const sse = (event: string, data: unknown) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`

function streamOf(model: string, block: Block): string {
  const usage = { input_tokens: 42, output_tokens: 1 }
  const start = block.type === 'text' ? { type: 'text', text: '' } : { ...block, input: {} }
  const delta = block.type === 'text'
    ? { type: 'text_delta', text: block.text }
    : { type: 'input_json_delta', partial_json: JSON.stringify(block.input) }
  const stopReason = block.type === 'text' ? 'end_turn' : 'tool_use'
  return [
    sse('message_start', { type: 'message_start', message: { id: 'msg_capture', type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage } }),
    sse('content_block_start', { type: 'content_block_start', index: 0, content_block: start }),
    sse('ping', { type: 'ping' }),
    sse('content_block_delta', { type: 'content_block_delta', index: 0, delta }),
    sse('content_block_stop', { type: 'content_block_stop', index: 0 }),
    sse('message_delta', { type: 'message_delta', delta: { stop_reason: stopReason, stop_sequence: null }, usage: { output_tokens: 12 } }),
    sse('message_stop', { type: 'message_stop' }),
  ].join('')
}

function messagesResponse(body: unknown): Response {
  const model = isRecord(body) && typeof body.model === 'string' ? body.model : 'unknown'
  const block = answerFor(body)
  if (isRecord(body) && body.stream === true) {
    return new Response(streamOf(model, block), { headers: { 'content-type': 'text/event-stream' } })
  }
  const stopReason = block.type === 'text' ? 'end_turn' : 'tool_use'
  return Response.json({ id: 'msg_capture', type: 'message', role: 'assistant', model, content: [block], stop_reason: stopReason, stop_sequence: null, usage: { input_tokens: 42, output_tokens: 12 } })
}

export function startAnthropicMock() {
  const captured: CapturedRequest[] = []
  const server = Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    async fetch(request) {
      const url = new URL(request.url)
      const text = await request.text()
      let body: unknown = text
      try { body = text ? JSON.parse(text) : undefined } catch { /* kept as text */ }
      const response = url.pathname === '/v1/messages' ? messagesResponse(body)
        : url.pathname === '/v1/messages/count_tokens' ? Response.json({ input_tokens: 42 })
        : new Response('not found', { status: 404 })
      const answer = await response.clone().text()
      captured.push({ method: request.method, path: url.pathname, query: url.search, headers: visibleHeaders(request.headers), body, status: response.status, response: answer })
      return response
    },
  })
  return { url: `http://127.0.0.1:${server.port}`, captured, stop: () => server.stop(true) }
}

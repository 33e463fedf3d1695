/**
 * A mock OpenAI Chat Completions upstream for the Claude Code test. Asked to run the test's echo command,
 * it calls the Bash tool Claude Code declares; given the tool's result, it answers with what it received.
 * Anything else gets a short greeting. Every request body is kept for the test to inspect.
 */
export const TOOL_CALL_ID = 'call_llmux_bash_1'
export const ECHO_COMMAND = 'echo llmux-tool-ok'

export interface SeenRequest {
  path: string
  body: Record<string, unknown>
}

type Message = { role?: unknown; content?: unknown; tool_call_id?: unknown }

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

const messagesOf = (body: Record<string, unknown>): Message[] =>
  Array.isArray(body.messages) ? body.messages.filter(isRecord) : []

/** Text of a message's content, whether a string or an array of text parts. */
export function textOf(content: unknown): string {
  if (typeof content === 'string') return content
  if (!Array.isArray(content)) return ''
  return content.map((part: unknown) => (isRecord(part) && typeof part.text === 'string' ? part.text : '')).join('')
}

/** The tool message answering our call, if the request carries one. */
export function toolResultOf(body: Record<string, unknown>): Message | undefined {
  return messagesOf(body).find((message) => message.role === 'tool' && message.tool_call_id === TOOL_CALL_ID)
}

export function declaresBash(body: Record<string, unknown>): boolean {
  const tools = Array.isArray(body.tools) ? body.tools : []
  return tools.some((tool: unknown) => isRecord(tool) && isRecord(tool.function) && tool.function.name === 'Bash')
}

const asksForEcho = (body: Record<string, unknown>) =>
  declaresBash(body) && messagesOf(body).some((message) => message.role === 'user' && textOf(message.content).includes(ECHO_COMMAND))

type Answer = { text: string } | { toolArguments: string }

function answerFor(body: Record<string, unknown>): Answer {
  const toolResult = toolResultOf(body)
  if (toolResult) return { text: `The command printed: ${textOf(toolResult.content).trim()}` }
  if (asksForEcho(body)) return { toolArguments: JSON.stringify({ command: ECHO_COMMAND, description: 'Print a test marker' }) }
  return { text: 'Hello from the mock upstream.' }
}

function chunk(model: string, delta: Record<string, unknown>, finishReason: string | null = null) {
  return { id: 'chatcmpl-mock', object: 'chat.completion.chunk', created: 1_700_000_000, model, choices: [{ index: 0, delta, finish_reason: finishReason }] }
}

function chunksFor(model: string, answer: Answer): unknown[] {
  const usage = { prompt_tokens: 120, completion_tokens: 20, total_tokens: 140 }
  const closing = [chunk(model, {}, 'text' in answer ? 'stop' : 'tool_calls'), { ...chunk(model, {}), choices: [], usage }]
  if ('text' in answer) {
    const [head, tail] = [answer.text.slice(0, 10), answer.text.slice(10)]
    return [chunk(model, { role: 'assistant', content: head }), chunk(model, { content: tail }), ...closing]
  }
  const call = { index: 0, id: TOOL_CALL_ID, type: 'function', function: { name: 'Bash', arguments: '' } }
  const [head, tail] = [answer.toolArguments.slice(0, 12), answer.toolArguments.slice(12)]
  return [
    chunk(model, { role: 'assistant', content: null, tool_calls: [call] }),
    chunk(model, { tool_calls: [{ index: 0, function: { arguments: head } }] }),
    chunk(model, { tool_calls: [{ index: 0, function: { arguments: tail } }] }),
    ...closing,
  ]
}

function completionFor(model: string, answer: Answer) {
  const message = 'text' in answer
    ? { role: 'assistant', content: answer.text }
    : { role: 'assistant', content: null, tool_calls: [{ id: TOOL_CALL_ID, type: 'function', function: { name: 'Bash', arguments: answer.toolArguments } }] }
  const finishReason = 'text' in answer ? 'stop' : 'tool_calls'
  return { id: 'chatcmpl-mock', object: 'chat.completion', created: 1_700_000_000, model, choices: [{ index: 0, message, finish_reason: finishReason }], usage: { prompt_tokens: 120, completion_tokens: 20, total_tokens: 140 } }
}

function chatResponse(body: Record<string, unknown>): Response {
  const model = typeof body.model === 'string' ? body.model : 'gpt-test'
  const answer = answerFor(body)
  if (body.stream !== true) return Response.json(completionFor(model, answer))
  const text = chunksFor(model, answer).map((data) => `data: ${JSON.stringify(data)}\n\n`).join('') + 'data: [DONE]\n\n'
  return new Response(text, { headers: { 'content-type': 'text/event-stream' } })
}

export function startOpenAIMock() {
  const seen: SeenRequest[] = []
  const server = Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    async fetch(request) {
      const path = new URL(request.url).pathname
      const body: unknown = await request.json().catch(() => undefined)
      seen.push({ path, body: isRecord(body) ? body : {} })
      if (path !== '/v1/chat/completions' || !isRecord(body)) return Response.json({ error: { message: `mock: no ${path}` } }, { status: 404 })
      return chatResponse(body)
    },
  })
  return { baseUrl: `http://127.0.0.1:${server.port}/v1`, seen, stop: () => server.stop(true) }
}

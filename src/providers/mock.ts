/**
 * The built-in `type = "mock"` provider (SPEC §3): answers in OpenAI Chat Completions format, in process,
 * so a fresh config works with no keys. It echoes the last user turn, streams it when asked, and calls a
 * declared tool when the last user turn names it. Clients of either protocol reach it through llmux's
 * normal passthrough/translation path.
 */

interface MockToolCall {
  id: string
  name: string
  arguments: string
}

interface MockAnswer {
  text?: string
  toolCall?: MockToolCall
  promptTokens: number
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

function textOf(content: unknown): string {
  if (typeof content === 'string') return content
  if (!Array.isArray(content)) return ''
  return content.map((part) => (isRecord(part) && typeof part.text === 'string' ? part.text : '')).join('')
}

function toolNames(body: Record<string, unknown>): string[] {
  if (!Array.isArray(body.tools)) return []
  return body.tools.flatMap((tool) => (isRecord(tool) && isRecord(tool.function) && typeof tool.function.name === 'string' ? [tool.function.name] : []))
}

/** Decides the mock's answer from an OpenAI-shaped request body. */
export function mockAnswer(body: Record<string, unknown>): MockAnswer {
  const messages = Array.isArray(body.messages) ? body.messages.filter(isRecord) : []
  const promptTokens = Math.max(1, Math.ceil(JSON.stringify(messages).length / 4))
  const last = messages.at(-1)
  if (last?.role === 'tool') return { text: `mock: the tool returned: ${textOf(last.content)}`, promptTokens }
  const lastUser = [...messages].reverse().find((message) => message.role === 'user')
  const said = lastUser ? textOf(lastUser.content) : ''
  const named = toolNames(body).find((name) => said.includes(name))
  if (named) return { toolCall: { id: `call_mock_${named}`, name: named, arguments: '{}' }, promptTokens }
  return { text: said ? `mock: ${said}` : 'mock: hello from llmux', promptTokens }
}

function completion(body: Record<string, unknown>, answer: MockAnswer, created: number) {
  const completionTokens = Math.max(1, Math.ceil((answer.text ?? answer.toolCall?.arguments ?? '').length / 4))
  return {
    id: 'chatcmpl-mock',
    object: 'chat.completion',
    created,
    model: String(body.model),
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: answer.text ?? null,
          ...(answer.toolCall && {
            tool_calls: [{ id: answer.toolCall.id, type: 'function', function: { name: answer.toolCall.name, arguments: answer.toolCall.arguments } }],
          }),
        },
        finish_reason: answer.toolCall ? 'tool_calls' : 'stop',
      },
    ],
    usage: { prompt_tokens: answer.promptTokens, completion_tokens: completionTokens, total_tokens: answer.promptTokens + completionTokens },
  }
}

function* streamChunks(body: Record<string, unknown>, answer: MockAnswer, created: number): Generator<string> {
  const full = completion(body, answer, created)
  const chunk = (delta: Record<string, unknown>, finish: string | null = null) =>
    `data: ${JSON.stringify({ id: full.id, object: 'chat.completion.chunk', created, model: full.model, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`
  yield chunk({ role: 'assistant', content: '' })
  if (answer.toolCall) {
    const { id, name, arguments: args } = answer.toolCall
    yield chunk({ tool_calls: [{ index: 0, id, type: 'function', function: { name, arguments: '' } }] })
    yield chunk({ tool_calls: [{ index: 0, function: { arguments: args } }] })
  }
  // Words are streamed one per chunk so clients see a real stream.
  for (const word of (answer.text ?? '').split(/(?<= )/)) if (word) yield chunk({ content: word })
  yield chunk({}, full.choices[0].finish_reason)
  const options = body.stream_options
  if (isRecord(options) && options.include_usage === true) {
    yield `data: ${JSON.stringify({ id: full.id, object: 'chat.completion.chunk', created, model: full.model, choices: [], usage: full.usage })}\n\n`
  }
  yield 'data: [DONE]\n\n'
}

/** The mock's HTTP answer to an OpenAI-shaped request body. */
export function mockResponse(bodyText: string, nowMs: number): Response {
  let body: unknown
  try {
    body = JSON.parse(bodyText)
  } catch {
    body = undefined
  }
  if (!isRecord(body)) {
    return Response.json({ error: { message: 'mock: body is not a JSON object', type: 'invalid_request_error', param: null, code: null } }, { status: 400 })
  }
  const answer = mockAnswer(body)
  const created = Math.floor(nowMs / 1000)
  if (body.stream === true) {
    const encoder = new TextEncoder()
    const chunks = [...streamChunks(body, answer, created)].map((text) => encoder.encode(text))
    return new Response(new ReadableStream({ start(controller) { for (const c of chunks) controller.enqueue(c); controller.close() } }), {
      headers: { 'content-type': 'text/event-stream' },
    })
  }
  return Response.json(completion(body, answer, created))
}

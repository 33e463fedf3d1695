/**
 * A scripted upstream on 127.0.0.1 (port 0) for end-to-end tests. Each request is recorded and answered
 * by the handler the test gives; helpers below build OpenAI/Anthropic answers and SSE bodies.
 */
export interface SeenRequest {
  method: string
  path: string
  headers: Record<string, string>
  bodyText: string
  body: Record<string, unknown>
}

export interface MockUpstream {
  url: string
  seen: SeenRequest[]
  stop(): Promise<void>
}

export type MockHandler = (request: SeenRequest, index: number) => Response | Promise<Response>

export function startMockUpstream(handler: MockHandler): MockUpstream {
  const seen: SeenRequest[] = []
  const server = Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    idleTimeout: 0,
    async fetch(request) {
      const url = new URL(request.url)
      const bodyText = await request.text()
      let body: Record<string, unknown> = {}
      try {
        body = JSON.parse(bodyText)
      } catch {
        // Non-JSON bodies are recorded as text only.
      }
      const entry = { method: request.method, path: url.pathname + url.search, headers: Object.fromEntries(request.headers), bodyText, body }
      seen.push(entry)
      return handler(entry, seen.length - 1)
    },
  })
  return { url: `http://127.0.0.1:${server.port}`, seen, stop: () => server.stop(true) }
}

/** The text of the last user turn a mock upstream received (string or text blocks), to pick its answer. */
export function lastUserText(request: SeenRequest): string {
  const messages = (request.body.messages ?? []) as { role: string; content: unknown }[]
  const content = [...messages].reverse().find((message) => message.role === 'user')?.content
  if (typeof content === 'string') return content
  return Array.isArray(content) ? content.map((block: { text?: string }) => block.text ?? '').join('') : ''
}

/** An SSE response whose body is exactly these chunks (each may hold several events or part of one). */
export function sseResponse(chunks: string[], status = 200): Response {
  const encoder = new TextEncoder()
  return new Response(
    new ReadableStream({
      start(controller) {
        for (const chunk of chunks) controller.enqueue(encoder.encode(chunk))
        controller.close()
      },
    }),
    { status, headers: { 'content-type': 'text/event-stream' } },
  )
}

/** An SSE response the test feeds by hand: `push` sends text, `close` ends it, `fail` breaks it. */
export function manualSse(): { response: Response; push(text: string): void; close(): void; fail(): void } {
  let controller!: ReadableStreamDefaultController<Uint8Array>
  const encoder = new TextEncoder()
  const stream = new ReadableStream<Uint8Array>({ start: (c) => void (controller = c) })
  return {
    response: new Response(stream, { headers: { 'content-type': 'text/event-stream' } }),
    push: (text) => controller.enqueue(encoder.encode(text)),
    close: () => controller.close(),
    fail: () => controller.error(new Error('upstream broke')),
  }
}

export const openaiCompletion = (text: string, extra: Record<string, unknown> = {}) => ({
  id: 'chatcmpl-test',
  object: 'chat.completion',
  created: 1700000000,
  model: 'upstream-model',
  choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 11, completion_tokens: 7, total_tokens: 18 },
  ...extra,
})

export function openaiStreamChunks(words: string[], options: { usage?: boolean } = {}): string[] {
  const chunk = (delta: Record<string, unknown>, finish: string | null = null) =>
    `data: ${JSON.stringify({ id: 'chatcmpl-test', object: 'chat.completion.chunk', created: 1700000000, model: 'upstream-model', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`
  const chunks = [chunk({ role: 'assistant', content: '' }), ...words.map((word) => chunk({ content: word })), chunk({}, 'stop')]
  if (options.usage) {
    chunks.push(`data: ${JSON.stringify({ id: 'chatcmpl-test', object: 'chat.completion.chunk', created: 1700000000, model: 'upstream-model', choices: [], usage: { prompt_tokens: 11, completion_tokens: words.length, total_tokens: 11 + words.length } })}\n\n`)
  }
  chunks.push('data: [DONE]\n\n')
  return chunks
}

export const anthropicMessage = (content: unknown[], extra: Record<string, unknown> = {}) => ({
  id: 'msg_test',
  type: 'message',
  role: 'assistant',
  model: 'claude-upstream',
  content,
  stop_reason: 'end_turn',
  stop_sequence: null,
  usage: { input_tokens: 21, output_tokens: 9, cache_read_input_tokens: 5, cache_creation_input_tokens: 0 },
  ...extra,
})

/** Anthropic SSE events, each `[event, data]`, as one text per event. */
export const anthropicEvents = (events: [string, Record<string, unknown>][]) => events.map(([event, data]) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`)

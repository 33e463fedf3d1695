/**
 * A pass-through HTTP proxy on 127.0.0.1 (port 0) between Codex and llmux that records, for every
 * exchange, the status and the exact text llmux answered, so a test can read the Responses events
 * llmux sent (Codex's --json output does not show them).
 */
export interface Exchange {
  method: string
  path: string
  status: number
  headers: Record<string, string>
  /** The answer body as received so far (complete once `done` resolved). */
  responseText: string
  done: Promise<void>
}

export interface RecordingProxy {
  url: string
  exchanges: Exchange[]
  /** Resolves once every answer recorded so far has been read to its end. */
  settled(): Promise<void>
  stop(): Promise<void>
}

const HOP_HEADERS = ['host', 'connection', 'content-length', 'transfer-encoding', 'keep-alive', 'content-encoding']

function withoutHopHeaders(headers: Headers): Headers {
  const copy = new Headers(headers)
  for (const name of HOP_HEADERS) copy.delete(name)
  return copy
}

export function startRecordingProxy(target: string): RecordingProxy {
  const exchanges: Exchange[] = []
  const server = Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    idleTimeout: 0,
    async fetch(request) {
      const url = new URL(request.url)
      const hasBody = request.method !== 'GET' && request.method !== 'HEAD'
      const answer = await fetch(`${target}${url.pathname}${url.search}`, {
        method: request.method,
        headers: withoutHopHeaders(request.headers),
        body: hasBody ? await request.arrayBuffer() : undefined,
      })
      const { promise: done, resolve } = Promise.withResolvers<void>()
      const exchange: Exchange = { method: request.method, path: url.pathname, status: answer.status, headers: Object.fromEntries(answer.headers), responseText: '', done }
      exchanges.push(exchange)
      const decoder = new TextDecoder()
      const recorder = new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          exchange.responseText += decoder.decode(chunk, { stream: true })
          controller.enqueue(chunk)
        },
        flush: () => resolve(),
      })
      if (!answer.body) resolve()
      const piped = answer.body?.pipeThrough(recorder) ?? null
      return new Response(piped, { status: answer.status, headers: withoutHopHeaders(answer.headers) })
    },
  })
  return {
    url: `http://127.0.0.1:${server.port}`,
    exchanges,
    settled: async () => {
      await Promise.all(exchanges.map((exchange) => Promise.race([exchange.done, Bun.sleep(2000)])))
    },
    stop: () => server.stop(true),
  }
}

/** The `data:` JSON objects of a Responses SSE text, in order (Codex reads only these, never `event:` lines). */
export function sseEvents(text: string): Record<string, unknown>[] {
  const events: Record<string, unknown>[] = []
  for (const block of text.split(/\r?\n\r?\n/)) {
    const data = block.split(/\r?\n/).filter((line) => line.startsWith('data:')).map((line) => line.slice(5).trimStart()).join('\n')
    if (data === '' || data === '[DONE]') continue
    try {
      events.push(JSON.parse(data) as Record<string, unknown>)
    } catch {
      events.push({ type: '<not JSON>', data })
    }
  }
  return events
}

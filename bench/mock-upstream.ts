/**
 * An OpenAI-compatible upstream for the bench: POST /v1/chat/completions, streamed or not, answered
 * from bytes serialised at start (bench/mock-payloads.ts) with no artificial delay.
 *
 * Two stream modes, chosen by a marker anywhere in the body (so it survives a gateway) or a header:
 * - `bench-hold` / `x-bench-hold: 1`: the first token at once, the rest HOLD_MS later. A gateway that
 *   buffers a stream shows up as a first byte later than HOLD_MS.
 * - `bench-slow` / `x-bench-slow: 1`: the first token at once, then a `: ping` comment every PING_MS,
 *   ending after SLOW_MAX_MS or when the client goes away (for the open-streams memory figure).
 *
 * Run alone: `bun bench/mock-upstream.ts --port 9001`.
 */
import { payloads } from './mock-payloads.ts'

export const HOLD_MS = 20
const PING_MS = 3_000
const SLOW_MAX_MS = 60_000

const JSON_HEADERS = { 'content-type': 'application/json' }
const SSE_HEADERS = { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' }
const STREAM_FLAG = /"stream"\s*:\s*true/

/** Sends the head now and the tail after `tailAfterMs`, with pings in between when `pingEveryMs` is set. */
function timedStream(tailAfterMs: number, pingEveryMs?: number): ReadableStream<Uint8Array> {
  let pingTimer: Timer | undefined
  let tailTimer: Timer | undefined
  return new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(payloads.streamHeadBytes)
      if (pingEveryMs !== undefined) pingTimer = setInterval(() => controller.enqueue(payloads.pingBytes), pingEveryMs)
      tailTimer = setTimeout(() => {
        clearInterval(pingTimer)
        controller.enqueue(payloads.streamTailBytes)
        controller.close()
      }, tailAfterMs)
    },
    cancel() {
      clearInterval(pingTimer)
      clearTimeout(tailTimer)
    },
  })
}

/** The whole stream in one chunked write; Bun's direct streams cost a third less CPU than a queued one. */
function promptStream(): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    type: 'direct',
    pull(controller) {
      controller.write(payloads.streamBytes)
      controller.close()
    },
  })
}

async function answerChat(request: Request): Promise<Response> {
  const text = await request.text()
  if (!STREAM_FLAG.test(text)) return new Response(payloads.completionBytes, { headers: JSON_HEADERS })
  const isSlow = request.headers.get('x-bench-slow') === '1' || text.includes('bench-slow')
  const isHeld = request.headers.get('x-bench-hold') === '1' || text.includes('bench-hold')
  const body = isSlow ? timedStream(SLOW_MAX_MS, PING_MS) : isHeld ? timedStream(HOLD_MS) : promptStream()
  return new Response(body, { headers: SSE_HEADERS })
}

export function startMockUpstream(port: number) {
  return Bun.serve({
    hostname: '127.0.0.1',
    port,
    // Slow streams are silent between pings; Bun's default 10 s idle timeout must not cut them.
    idleTimeout: 0,
    routes: {
      '/v1/chat/completions': { POST: answerChat },
      '/health': new Response('ok'),
    },
    fetch: () => new Response(payloads.notFoundBytes, { status: 404, headers: JSON_HEADERS }),
  })
}

if (import.meta.main) {
  const portIndex = process.argv.indexOf('--port')
  const server = startMockUpstream(portIndex > 0 ? Number(process.argv[portIndex + 1]) : 0)
  console.log(`mock upstream listening on http://127.0.0.1:${server.port}`)
}

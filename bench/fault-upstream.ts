/**
 * A faulty OpenAI Chat Completions upstream for the soak (bench/soak.ts, SPEC §11: "1M requests with
 * upstream errors mixed in"). It answers like bench/mock-upstream.ts, from bytes serialised at start,
 * except that a seeded PRNG picks a fault for about FAULT_RATE of the requests, and SLOW_RATE of them
 * answer correctly after SLOW_MS:
 *
 * | fault      | non-streamed request                       | streamed request                                 |
 * | ---------- | ------------------------------------------ | ------------------------------------------------ |
 * | 429        | 429 rate_limit_error, `Retry-After: 0`     | the same                                         |
 * | 500/503/529| that status, an OpenAI error body          | the same                                         |
 * | cut        | a 200 whose JSON stops halfway             | the first token and a few more events, then the stream stops: half the time between two events, half inside one |
 * | garbled    | a 200 whose body is HTML, not JSON         | the first token, an event that is not JSON, then the rest and `[DONE]` |
 *
 * `GET /stats` answers the count of requests served per kind (`cut` split by where it cut). Run alone:
 * `bun bench/fault-upstream.ts --port 9001 [--seed 1] [--fault-rate 0.2]`.
 */
import { payloads } from './mock-payloads.ts'
import { seededRandom } from '../test/helpers/seeded-random.ts'

export const FAULT_RATE = 0.2
export const SLOW_RATE = 0.01
export const SLOW_MS = 50

export const FAULTS = ['429', '500', '503', '529', 'cut', 'garbled'] as const
export type Fault = (typeof FAULTS)[number]
export type Kind = 'ok' | 'slow' | Fault

const JSON_HEADERS = { 'content-type': 'application/json' }
const SSE_HEADERS = { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' }
const STREAM_FLAG = /"stream"\s*:\s*true/
const encoder = new TextEncoder()

const errorBytes = (status: number, type: string) =>
  encoder.encode(JSON.stringify({ error: { message: `upstream ${status} (soak fault)`, type, param: null, code: null } }))

const FAULT_BYTES = {
  429: errorBytes(429, 'rate_limit_error'),
  500: errorBytes(500, 'server_error'),
  503: errorBytes(503, 'server_error'),
  529: errorBytes(529, 'overloaded_error'),
  cutBody: payloads.completionBytes.slice(0, Math.floor(payloads.completionBytes.length / 2)),
  htmlBody: encoder.encode('<html><body>502 Bad Gateway</body></html>'),
  // The head (role chunk and first token), then part of the tail: cut inside an event's JSON, or after a whole event.
  cutStreamMidEvent: Buffer.concat([payloads.streamHeadBytes, payloads.streamTailBytes.slice(0, Math.floor(payloads.streamTailBytes.length / 2) + 7)]),
  cutStreamAtEvent: Buffer.concat([payloads.streamHeadBytes, payloads.streamTailBytes.slice(0, eventEnd(payloads.streamTailBytes, 3))]),
  garbledStream: Buffer.concat([payloads.streamHeadBytes, encoder.encode('data: {"choices":[{"delta":{"content":\n\n'), payloads.streamTailBytes]),
}

/** The byte offset just past the `count`th event (its blank line) in SSE bytes. */
function eventEnd(bytes: Uint8Array, count: number): number {
  const text = new TextDecoder().decode(bytes)
  let offset = 0
  for (let index = 0; index < count; index++) offset = text.indexOf('\n\n', offset) + 2
  return encoder.encode(text.slice(0, offset)).length
}


/** A whole stream in one chunked write, as bench/mock-upstream.ts sends it. */
function streamOf(bytes: Uint8Array): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    type: 'direct',
    pull(controller) {
      controller.write(bytes)
      controller.close()
    },
  })
}

function faultResponse(fault: Fault, isStream: boolean, isMidEvent: boolean): Response {
  switch (fault) {
    case '429':
      return new Response(FAULT_BYTES[429], { status: 429, headers: { ...JSON_HEADERS, 'retry-after': '0' } })
    case '500':
    case '503':
    case '529':
      return new Response(FAULT_BYTES[fault], { status: Number(fault), headers: JSON_HEADERS })
    case 'cut':
      if (!isStream) return new Response(FAULT_BYTES.cutBody, { headers: JSON_HEADERS })
      return new Response(streamOf(isMidEvent ? FAULT_BYTES.cutStreamMidEvent : FAULT_BYTES.cutStreamAtEvent), { headers: SSE_HEADERS })
    case 'garbled':
      return isStream
        ? new Response(streamOf(FAULT_BYTES.garbledStream), { headers: SSE_HEADERS })
        : new Response(FAULT_BYTES.htmlBody, { headers: { 'content-type': 'text/html' } })
  }
}

const answer = (isStream: boolean) =>
  isStream ? new Response(streamOf(payloads.streamBytes), { headers: SSE_HEADERS }) : new Response(payloads.completionBytes, { headers: JSON_HEADERS })

export interface FaultUpstreamOptions {
  port: number
  seed: number
  faultRate: number
}

export function startFaultUpstream(options: FaultUpstreamOptions) {
  const random = seededRandom(options.seed)
  const served: Record<Kind, number> = { ok: 0, slow: 0, 429: 0, 500: 0, 503: 0, 529: 0, cut: 0, garbled: 0 }
  const cuts = { body: 0, streamAtEvent: 0, streamMidEvent: 0 }
  const pickKind = (): Kind => {
    const roll = random()
    if (roll < options.faultRate) return FAULTS[Math.floor((roll / options.faultRate) * FAULTS.length)]
    return roll < options.faultRate + SLOW_RATE ? 'slow' : 'ok'
  }
  return Bun.serve({
    hostname: '127.0.0.1',
    port: options.port,
    idleTimeout: 0,
    routes: {
      '/v1/chat/completions': {
        POST: async (request) => {
          const isStream = STREAM_FLAG.test(await request.text())
          const kind = pickKind()
          served[kind]++
          if (kind === 'ok') return answer(isStream)
          if (kind === 'slow') return Bun.sleep(SLOW_MS).then(() => answer(isStream))
          const isMidEvent = random() < 0.5
          if (kind === 'cut') cuts[!isStream ? 'body' : isMidEvent ? 'streamMidEvent' : 'streamAtEvent']++
          return faultResponse(kind, isStream, isMidEvent)
        },
      },
      '/stats': { GET: () => Response.json({ served, cuts }) },
      '/health': new Response('ok'),
    },
    fetch: () => new Response(payloads.notFoundBytes, { status: 404, headers: JSON_HEADERS }),
  })
}

if (import.meta.main) {
  const flag = (name: string, fallback: number) => {
    const index = process.argv.indexOf(name)
    return index > 0 ? Number(process.argv[index + 1]) : fallback
  }
  const server = startFaultUpstream({ port: flag('--port', 0), seed: flag('--seed', 1), faultRate: flag('--fault-rate', FAULT_RATE) })
  console.log(`fault upstream listening on http://127.0.0.1:${server.port}`)
}

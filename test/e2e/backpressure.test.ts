import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { readFileSync } from 'node:fs'
import { connect, type Socket } from 'node:net'
import type { RunningServer } from '../../src/server/start-server.ts'
import { memoryLogger, startGateway } from '../helpers/start-gateway.ts'

// Issue 12 item 6, SPEC §13: a client that stops reading holds back its own upstream; llmux does not
// read the upstream to its end and buffer the rest.

/**
 * What the kernel itself may hold between the upstream and a paused client: four socket buffers (the
 * upstream's send, llmux's receive, llmux's send, the client's receive), autotuned on loopback: a send
 * buffer up to tcp_wmem's maximum (4 MB here), a receive buffer up to tcp_rmem's (32 MB here; `ss` showed
 * 11 MB in llmux's upstream socket after a fast earlier stream). What the kernel holds is read from `ss`
 * when the test measures, so that what is left is what llmux holds itself; without backpressure that is
 * the whole answer.
 */
const SEND_BUFFER_MAX = tcpBufferMax('tcp_wmem')
/** What llmux may hold itself, beyond the kernel's queues: a few chunks and Bun's own buffers. */
const LLMUX_MAX_BYTES = 4 * 1024 * 1024
/** ~1 KB of text per event: well beyond what four send-sized buffers and llmux's share hold, so a gateway without backpressure is caught. */
const EVENT_COUNT = Math.ceil((4 * SEND_BUFFER_MAX + LLMUX_MAX_BYTES + 16 * 1024 * 1024) / 1024)

function tcpBufferMax(name: 'tcp_wmem' | 'tcp_rmem'): number {
  try {
    const max = Number(readFileSync(`/proc/sys/net/ipv4/${name}`, 'utf8').trim().split(/\s+/)[2])
    if (max > 0) return max
  } catch {
    // Not Linux: assume the usual 4 MB.
  }
  return 4 * 1024 * 1024
}

/**
 * The bytes queued in the kernel (Recv-Q + Send-Q, from `ss`) on every established loopback connection to
 * or from these ports. Without `ss`, the most the four buffers on the path can hold.
 */
function kernelQueuedBytes(ports: number[]): number {
  const bound = 2 * SEND_BUFFER_MAX + 2 * tcpBufferMax('tcp_rmem')
  let listed: ReturnType<typeof Bun.spawnSync>
  try {
    listed = Bun.spawnSync(['ss', '-tnH', 'state', 'established'], { stdout: 'pipe', stderr: 'ignore' })
  } catch {
    return bound
  }
  if (!listed.success || listed.stdout === undefined) return bound
  let total = 0
  for (const line of listed.stdout.toString().split('\n')) {
    const [recvQ, sendQ, local, peer] = line.trim().split(/\s+/)
    const portOf = (address: string | undefined) => Number(address?.slice(address.lastIndexOf(':') + 1))
    if (ports.includes(portOf(local)) || ports.includes(portOf(peer))) total += Number(recvQ) + Number(sendQ)
  }
  return total
}

const pieceOf = (index: number) => `<${String(index).padStart(6, '0')}>${'x'.repeat(1000)}`
const EXPECTED_TEXT = Array.from({ length: EVENT_COUNT }, (_, index) => pieceOf(index)).join('')
const encoder = new TextEncoder()

const chunkEvent = (delta: Record<string, unknown>, finish: string | null = null) =>
  `data: ${JSON.stringify({ id: 'chatcmpl-bp', object: 'chat.completion.chunk', created: 1700000000, model: 'up', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`

/** An OpenAI upstream that streams as fast as it is pulled, and counts the bytes llmux took. */
function startCountingUpstream() {
  const state = { pulledBytes: 0 }
  const server = Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    idleTimeout: 0,
    async fetch(request) {
      await request.text()
      state.pulledBytes = 0
      let index = -1
      const body = new ReadableStream<Uint8Array>(
        {
          pull(controller) {
            let text: string
            if (index === -1) text = chunkEvent({ role: 'assistant', content: '' })
            else if (index < EVENT_COUNT) text = chunkEvent({ content: pieceOf(index) })
            else if (index === EVENT_COUNT) text = `${chunkEvent({}, 'stop')}data: [DONE]\n\n`
            else return controller.close()
            index += 1
            const bytes = encoder.encode(text)
            state.pulledBytes += bytes.length
            controller.enqueue(bytes)
          },
        },
        { highWaterMark: 0 },
      )
      return new Response(body, { headers: { 'content-type': 'text/event-stream' } })
    },
  })
  return { url: `http://127.0.0.1:${server.port}`, state, stop: () => server.stop(true) }
}

let upstream: ReturnType<typeof startCountingUpstream>
let gateway: RunningServer
const logger = memoryLogger()

beforeAll(async () => {
  upstream = startCountingUpstream()
  gateway = await startGateway(
    `
[provider.up]
type = "openai"
base_url = "${upstream.url}/v1"
api_key = "sk-upstream-secret"

[[backend]]
model = "up:real-model"
context = 100000
`,
    { logger },
  )
})
afterAll(async () => {
  await gateway.stop()
  await upstream.stop()
})

/** A raw HTTP/1.1 client on a socket, so that "not reading" really leaves the bytes in the kernel. */
interface SlowClient {
  socket: Socket
  receivedBytes(): number
  /** Resolves with the whole raw response once the server closed the connection. */
  done: Promise<Buffer>
}

function openSlowClient(path: string, body: string, pauseAfterBytes: number): Promise<SlowClient> {
  const { port } = new URL(gateway.url)
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let received = 0
    let finish!: (raw: Buffer) => void
    const done = new Promise<Buffer>((r) => (finish = r))
    const socket = connect(Number(port), '127.0.0.1', () => {
      socket.write(
        `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      )
    })
    let isPaused = false
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk)
      received += chunk.length
      if (!isPaused && received >= pauseAfterBytes) {
        isPaused = true
        socket.pause()
        resolve({ socket, receivedBytes: () => received, done })
      }
    })
    socket.on('end', () => finish(Buffer.concat(chunks)))
    socket.on('error', reject)
  })
}

/** Polls until the count has not grown for `quietMs`, or the deadline passes; returns the last value. */
async function settledValue(read: () => number, quietMs = 400, deadlineMs = 8000): Promise<number> {
  const deadline = performance.now() + deadlineMs
  let last = read()
  let quietSince = performance.now()
  while (performance.now() < deadline) {
    await Bun.sleep(25)
    const value = read()
    if (value !== last) {
      last = value
      quietSince = performance.now()
    } else if (performance.now() - quietSince >= quietMs) break
  }
  return last
}

/** The body of a raw HTTP/1.1 response with chunked transfer encoding. */
function dechunk(raw: Buffer): string {
  const headerEnd = raw.indexOf('\r\n\r\n')
  const head = raw.subarray(0, headerEnd).toString()
  expect(head).toStartWith('HTTP/1.1 200')
  let at = headerEnd + 4
  const parts: Buffer[] = []
  if (!/transfer-encoding: chunked/i.test(head)) return raw.subarray(at).toString()
  for (;;) {
    const lineEnd = raw.indexOf('\r\n', at)
    const size = parseInt(raw.subarray(at, lineEnd).toString(), 16)
    if (size === 0) break
    parts.push(raw.subarray(lineEnd + 2, lineEnd + 2 + size))
    at = lineEnd + 2 + size + 2
  }
  return Buffer.concat(parts).toString()
}

const dataOf = (sse: string) =>
  sse
    .split('\n\n')
    .flatMap((event) => event.split('\n').filter((line) => line.startsWith('data: ')))
    .map((line) => line.slice(6))

const PAUSE_AFTER_BYTES = 64 * 1024

const routes = [
  {
    name: 'passthrough (OpenAI client → OpenAI upstream)',
    path: '/v1/chat/completions',
    body: JSON.stringify({ model: 'x', stream: true, messages: [{ role: 'user', content: 'hi' }] }),
    textOf: (sse: string) =>
      dataOf(sse)
        .filter((data) => data !== '[DONE]')
        .map((data) => JSON.parse(data).choices?.[0]?.delta?.content ?? '')
        .join(''),
  },
  {
    name: 'translated (Anthropic client → OpenAI upstream)',
    path: '/v1/messages',
    body: JSON.stringify({ model: 'x', max_tokens: 100000, stream: true, messages: [{ role: 'user', content: 'hi' }] }),
    textOf: (sse: string) =>
      dataOf(sse)
        .map((data) => JSON.parse(data))
        .filter((event) => event.type === 'content_block_delta' && event.delta.type === 'text_delta')
        .map((event) => event.delta.text)
        .join(''),
  },
]

describe('a slow client holds back its upstream', () => {
  for (const route of routes) {
    test(route.name, async () => {
      const client = await openSlowClient(route.path, route.body, PAUSE_AFTER_BYTES)
      try {
        const pulledWhilePaused = await settledValue(() => upstream.state.pulledBytes)
        const readByClient = client.receivedBytes()
        const inKernel = kernelQueuedBytes([Number(new URL(gateway.url).port), Number(new URL(upstream.url).port)])
        expect(pulledWhilePaused - readByClient - inKernel).toBeLessThan(LLMUX_MAX_BYTES)

        client.socket.resume()
        const sse = dechunk(await client.done)
        expect(route.textOf(sse)).toBe(EXPECTED_TEXT)
        expect(upstream.state.pulledBytes).toBeGreaterThan(EXPECTED_TEXT.length)
      } finally {
        client.socket.destroy()
      }
    }, 30_000)
  }

  test('a client that leaves while held back ends its request: one completion line, cut short', async () => {
    const client = await openSlowClient(routes[0].path, routes[0].body, PAUSE_AFTER_BYTES)
    await settledValue(() => upstream.state.pulledBytes)
    const linesBefore = logger.lines.length
    client.socket.destroy()
    const deadline = performance.now() + 5000
    const isCompletion = (line: string) => / → \d{3} .*cut-short/.test(line)
    while (!logger.lines.slice(linesBefore).some(isCompletion) && performance.now() < deadline) await Bun.sleep(20)
    expect(logger.lines.slice(linesBefore).filter(isCompletion)).toHaveLength(1)
  })
})

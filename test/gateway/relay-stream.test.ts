import { afterEach, expect, test } from 'bun:test'
import { connect } from 'node:net'
import { GatewayError } from '../../src/errors.ts'
import { REDACTED, secretRedactor } from '../../src/gateway/redact-secrets.ts'
import { type Outgoing, type Relay, relayStream } from '../../src/gateway/streams/relay-stream.ts'
import { StreamWatch } from '../../src/gateway/streams/stream-watch.ts'
import { AttemptTimers } from '../../src/upstream/attempt-timers.ts'

// Large heads and chunks, in one piece or several, to a client that reads slowly: the client must get
// every byte once, in order, redacted; and the relay must not keep the first chunk once it is written.

const SECRET = 'sk-relay-test-secret-0123456789'
let servers: { stop(force?: boolean): unknown }[] = []
afterEach(() => {
  for (const server of servers) server.stop(true)
  servers = []
})

/**
 * How the relay hands a chunk on: whole; as two pieces of bytes, a small one first (as a passthrough
 * stream sends held bytes and the rest of the chunk); or as large bytes followed by large text.
 */
type Shape = 'whole' | 'pieces' | 'bytes and text'

function shaped(chunk: Uint8Array, shape: Shape): Outgoing {
  if (shape === 'whole') return chunk
  if (shape === 'pieces') return [chunk.subarray(0, 1000), chunk.subarray(1000)]
  return [chunk.subarray(0, 70_000), new TextDecoder().decode(chunk.subarray(70_000))]
}

/** A relay that passes each upstream chunk on, in the given shape, and ends with `tail`. */
function passingRelay(tail: string, shape: Shape): Relay & { closed: boolean } {
  return {
    closed: false,
    onChunk: (chunk: Uint8Array): Outgoing => shaped(chunk, shape),
    onEnd: () => tail,
    onError: (error: GatewayError) => `error: ${error.message}`,
    onSilence: () => '',
    isDone: () => false,
    onClose() {
      this.closed = true
    },
  }
}

/** Serves one relayed stream of `chunks` (after `head`) and returns its URL and relay. */
function serveRelay(head: string | Uint8Array, chunks: Uint8Array[], secrets: string[] = [], shape: Shape = 'whole') {
  const relay = passingRelay('<end>', shape)
  const server = Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    fetch(request) {
      const queue = [...chunks]
      const upstream: AsyncIterator<Uint8Array> = {
        next: async () => (queue.length === 0 ? { done: true, value: undefined } : { done: false, value: queue.shift()! }),
      }
      const attempt = new AttemptTimers().start(request.signal, 60_000)
      const watch = new StreamWatch(60_000, 60_000, () => performance.now())
      const body = relayStream(head, upstream, relay, attempt, watch, () => performance.now(), secretRedactor(secrets).stream())
      return new Response(body, { headers: { 'content-type': 'text/event-stream' } })
    },
  })
  servers.push(server)
  return { url: `http://127.0.0.1:${server.port}/`, relay }
}

/** Bytes that say where they are: any byte lost, doubled or reordered shows in a comparison. */
function numbered(label: string, length: number): Uint8Array {
  let text = ''
  for (let index = 0; text.length < length; index++) text += `${label}${index};`
  return new TextEncoder().encode(text.slice(0, length))
}

test('large chunks reach the client whole and in order, with a secret inside one redacted', async () => {
  const big = numbered('a', 300_000)
  const prefix = numbered('b', 65_536 - 10)
  const second = Buffer.concat([prefix, Buffer.from(SECRET), numbered('c', 200_000)])
  const { url, relay } = serveRelay('<head>', [big, second, numbered('d', 10)], [SECRET])
  const text = await (await fetch(url)).text()
  const decoder = new TextDecoder()
  expect(text).toBe(`<head>${decoder.decode(big)}${decoder.decode(prefix)}${REDACTED}${decoder.decode(numbered('c', 200_000))}${decoder.decode(numbered('d', 10))}<end>`)
  expect(text).not.toContain(SECRET)
  expect(relay.closed).toBe(true)
})

for (const shape of ['whole', 'pieces', 'bytes and text'] as const) {
  test(`a large head and large chunks (${shape}) reach a client that reads slowly, every byte once`, async () => {
    const head = numbered('h', 500_000)
    const chunks = [numbered('x', 700_000), numbered('y', 1_200), numbered('z', 900_000)]
    const { url } = serveRelay(head, chunks, [SECRET], shape)
    const { port } = new URL(url)
    const received = await new Promise<Buffer>((resolve, reject) => {
      const parts: Buffer[] = []
      const socket = connect(Number(port), '127.0.0.1', () => socket.write(`GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`))
      socket.on('data', (chunk: Buffer) => {
        parts.push(chunk)
        // Reads a little, then leaves the rest in the kernel for a moment, so the relay meets a full socket.
        socket.pause()
        setImmediate(() => socket.resume())
      })
      socket.on('end', () => resolve(Buffer.concat(parts)))
      socket.on('error', reject)
    })
    const raw = received.toString('latin1')
    const body = decodeChunked(raw.slice(raw.indexOf('\r\n\r\n') + 4))
    const decoder = new TextDecoder()
    expect(body).toBe(decoder.decode(head) + chunks.map((chunk) => decoder.decode(chunk)).join('') + '<end>')
  })
}

/** An HTTP/1.1 chunked body, decoded. */
function decodeChunked(raw: string): string {
  let out = ''
  let at = 0
  for (;;) {
    const lineEnd = raw.indexOf('\r\n', at)
    const size = Number.parseInt(raw.slice(at, lineEnd), 16)
    if (!(size > 0)) return out
    out += raw.slice(lineEnd + 2, lineEnd + 2 + size)
    at = lineEnd + 2 + size + 2
  }
}

test('the first chunk is let go once written, while the stream is still open', async () => {
  let release!: () => void
  const upstreamWaits = new Promise<void>((resolve) => (release = resolve))
  let isFinished = false
  const upstream: AsyncIterator<Uint8Array> = {
    next: async () => {
      if (isFinished) return { done: true, value: undefined }
      await upstreamWaits
      isFinished = true
      return { done: false, value: numbered('n', 10) }
    },
  }
  let headRef: WeakRef<Uint8Array> | undefined
  const server = Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    fetch(request) {
      // Made here and only referenced by the relay, so a WeakRef can tell whether the relay still holds it.
      const head = numbered('h', 300_000)
      headRef = new WeakRef(head)
      const attempt = new AttemptTimers().start(request.signal, 60_000)
      const watch = new StreamWatch(60_000, 60_000, () => performance.now())
      const body = relayStream(head, upstream, passingRelay('<end>', 'whole'), attempt, watch, () => performance.now())
      return new Response(body)
    },
  })
  servers.push(server)
  const reader = (await fetch(`http://127.0.0.1:${server.port}/`)).body!.getReader()
  let received = 0
  while (received < 300_000) received += (await reader.read()).value!.length
  // The head is out and the upstream has not answered again: the stream is open, the head unreferenced.
  // deref() keeps its target alive to the end of the job it runs in: collect, then look from a new job.
  let isCollected = false
  for (let tries = 0; tries < 5 && !isCollected; tries++) {
    Bun.gc(true)
    await new Promise((resolve) => setImmediate(resolve))
    isCollected = headRef!.deref() === undefined
  }
  expect(isCollected).toBe(true)
  release()
  let rest = ''
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    rest += new TextDecoder().decode(value)
  }
  expect(rest).toBe(`${new TextDecoder().decode(numbered('n', 10))}<end>`)
})

/**
 * The floor: the least a Bun gateway can do. Parse the JSON body, rewrite `model`, fetch the upstream's
 * chat completions, pipe its body back. Every POST path is forwarded the same way (the bench sends
 * Anthropic and Responses bodies here too, to price forwarding the same bytes without translating them).
 *
 * `--relay` passes the body through JavaScript instead of Bun's native pipe: each upstream chunk read
 * and written with a direct stream, flushed, awaited while the client's socket is full, nothing parsed
 * or stored: the floor for a gateway that must look at stream bytes (as llmux does, for usage and
 * broken events). `--first-chunk` (with `--relay`) answers only once the upstream's first chunk is in,
 * as llmux does so that a failure before it can still fail over (SPEC §6).
 *
 * Run alone: `bun bench/bare-forwarder.ts --port 9002 --upstream http://127.0.0.1:9001/v1 [--relay [--first-chunk]]`.
 */
const argument = (name: string) => process.argv[process.argv.indexOf(name) + 1] ?? ''
const upstreamUrl = `${argument('--upstream')}/chat/completions`
const isRelay = process.argv.includes('--relay')
const waitsForFirstChunk = isRelay && process.argv.includes('--first-chunk')

const server = Bun.serve({
  hostname: '127.0.0.1',
  port: Number(argument('--port')),
  idleTimeout: 0, // slow streams are silent between pings
  routes: { '/health': new Response('ok') },
  async fetch(request) {
    const body = (await request.json()) as Record<string, unknown>
    body.model = 'bench-model'
    const upstream = await fetch(upstreamUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer bench' },
      body: JSON.stringify(body),
      signal: request.signal,
    })
    const contentType = upstream.headers.get('content-type') ?? 'application/json'
    const answer = isRelay ? await relayed(upstream.body!) : upstream.body
    return new Response(answer, { status: upstream.status, headers: { 'content-type': contentType } })
  },
})

/** The upstream body read and written chunk by chunk in JavaScript. */
async function relayed(upstreamBody: ReadableStream<Uint8Array>): Promise<ReadableStream> {
  const reader = upstreamBody.getReader()
  let first = waitsForFirstChunk ? await reader.read() : undefined
  return new ReadableStream({
    type: 'direct',
    async pull(controller) {
      if (first !== undefined && !first.done) {
        const chunk = first.value
        first = undefined
        await send(controller, chunk)
      }
      for (;;) {
        const { done, value } = await reader.read()
        if (done) break
        await send(controller, value)
      }
      controller.close()
    },
  })
}

/** Writes one chunk and waits while the client's socket is full. */
async function send(controller: ReadableStreamDirectController, chunk: Uint8Array): Promise<void> {
  const written = controller.write(chunk)
  if (typeof written !== 'number') await written
  const flushed = controller.flush()
  if (typeof flushed !== 'number') await flushed
}

console.log(`bare forwarder${isRelay ? ' (JavaScript relay)' : ''} listening on http://127.0.0.1:${server.port}`)
process.on('SIGTERM', () => process.exit(0)) // a clean exit, so `bun --cpu-prof` writes its profile

export {}

/**
 * The floor for a gateway that relays stream bytes through JavaScript (as llmux must, to read usage and
 * check events): the bare forwarder's request side, then each upstream chunk read and written with a
 * direct stream, flushed, awaited while the client's socket is full. Nothing is parsed or stored.
 * `--first-chunk` waits for the upstream's first chunk before answering, as llmux does so that a failure
 * before it can still fail over (SPEC §6); without it the client is answered as soon as the headers come.
 *
 * Run alone: `bun bench/js-relay.ts --port 9002 --upstream http://127.0.0.1:9001/v1 [--first-chunk]`;
 * `bun bench/slow-readers.ts --target relay` (or `relay-first-chunk`) measures it.
 */
const argument = (name: string) => process.argv[process.argv.indexOf(name) + 1] ?? ''
const upstreamUrl = `${argument('--upstream')}/chat/completions`
const waitsForFirstChunk = process.argv.includes('--first-chunk')

/** Writes one chunk and waits while the client's socket is full. */
async function send(controller: ReadableStreamDirectController, chunk: Uint8Array): Promise<void> {
  const written = controller.write(chunk)
  if (typeof written !== 'number') await written
  const flushed = controller.flush()
  if (typeof flushed !== 'number') await flushed
}

const server = Bun.serve({
  hostname: '127.0.0.1',
  port: Number(argument('--port')),
  idleTimeout: 0,
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
    const reader = upstream.body!.getReader()
    let first = waitsForFirstChunk ? await reader.read() : undefined
    const relayed = new ReadableStream({
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
    return new Response(relayed, { status: upstream.status, headers: { 'content-type': upstream.headers.get('content-type') ?? 'text/event-stream' } })
  },
})
console.log(`JavaScript relay listening on http://127.0.0.1:${server.port}${waitsForFirstChunk ? ' (answers after the first chunk)' : ''}`)
process.on('SIGTERM', () => process.exit(0))

export {}

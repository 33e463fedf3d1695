/**
 * The floor: the least a Bun gateway can do. Parse the JSON body, rewrite `model`, fetch the upstream's
 * chat completions, pipe its body back. Every POST path is forwarded the same way (the bench sends
 * Anthropic and Responses bodies here too, to price forwarding the same bytes without translating them).
 *
 * Run alone: `bun bench/bare-forwarder.ts --port 9002 --upstream http://127.0.0.1:9001/v1`.
 */
const argument = (name: string) => process.argv[process.argv.indexOf(name) + 1] ?? ''
const upstreamUrl = `${argument('--upstream')}/chat/completions`

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
    return new Response(upstream.body, { status: upstream.status, headers: { 'content-type': contentType } })
  },
})
console.log(`bare forwarder listening on http://127.0.0.1:${server.port}`)
process.on('SIGTERM', () => process.exit(0)) // a clean exit, so `bun --cpu-prof` writes its profile

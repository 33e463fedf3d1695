/**
 * Memory under slow readers (issue 12, SPEC §13): many clients each open a ~2 MB stream through llmux
 * and read it slowly. With backpressure, a slow client holds back its own upstream, so llmux's memory
 * stays bounded instead of buffering every answer. Prints llmux's RSS over the run and its peak.
 *
 *   bun bench/slow-readers.ts [--clients 200] [--seconds 20] [--stream-kb 2048] [--target llmux|forwarder]
 *
 * `--target forwarder` runs the bare Bun forwarder instead, as the floor of what this runtime holds.
 *
 * Everything runs on 127.0.0.1; the run is bounded by --seconds; every socket is closed at the end.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { connect, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { LLMUX_ENTRY } from './launch.ts'
import { processMemory } from './proc-stats.ts'
import { freePort, spawnServer } from './spawn-server.ts'

const { values } = parseArgs({
  options: { clients: { type: 'string', default: '200' }, seconds: { type: 'string', default: '20' }, 'stream-kb': { type: 'string', default: '2048' }, target: { type: 'string', default: 'llmux' } },
})
const CLIENTS = Number(values.clients)
const SECONDS = Number(values.seconds)
const EVENTS = Number(values['stream-kb'])
const EVENT = `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: { content: 'x'.repeat(900) }, finish_reason: null }] })}\n\n`
const encoder = new TextEncoder()

// An upstream that produces its stream only as fast as it is pulled: it never runs ahead of llmux.
let pulledBytes = 0
const upstream = Bun.serve({
  hostname: '127.0.0.1',
  port: 0,
  idleTimeout: 0,
  fetch() {
    let sent = 0
    const body = new ReadableStream({
      pull(controller) {
        if (sent++ >= EVENTS) {
          controller.enqueue(encoder.encode('data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n'))
          controller.close()
          return
        }
        const bytes = encoder.encode(EVENT)
        pulledBytes += bytes.length
        controller.enqueue(bytes)
      },
    })
    return new Response(body, { headers: { 'content-type': 'text/event-stream' } })
  },
})

const dir = mkdtempSync(join(tmpdir(), 'llmux-slow-readers-'))
const port = freePort()
const config = join(dir, 'llmux.toml')
writeFileSync(config, `host = "127.0.0.1"\nport = ${port}\nstore = "memory"\nlog_level = "warn"\nstream_idle_timeout = 600\n[provider.up]\ntype = "openai"\nbase_url = "http://127.0.0.1:${upstream.port}/v1"\napi_key = "k"\n[[backend]]\nmodel = "up:m"\n`)
const llmux = await spawnServer({
  name: 'llmux',
  command: values.target === 'forwarder'
    ? [process.execPath, join(import.meta.dir, 'bare-forwarder.ts'), '--port', String(port), '--upstream', `http://127.0.0.1:${upstream.port}/v1`]
    : [process.execPath, LLMUX_ENTRY, 'start', '--config', config],
  port,
  env: { BUN_CONFIG_MAX_HTTP_REQUESTS: '4096' },
  timeoutMs: 15_000,
  probe: async (url) => (await fetch(`${url}/health`)).status < 500,
})

const body = JSON.stringify({ model: 'm', stream: true, messages: [{ role: 'user', content: 'a long answer, please' }] })
const request = `POST /v1/chat/completions HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`
let readBytes = 0
const sockets: Socket[] = []
/** A client that takes one chunk, then waits 250 ms before it takes the next. */
function slowClient(): void {
  const socket = connect(port, '127.0.0.1', () => socket.write(request))
  socket.on('data', (chunk) => {
    readBytes += chunk.length
    socket.pause()
    setTimeout(() => socket.resume(), Number(process.env.SLOW_PAUSE_MS ?? 250))
  })
  socket.on('error', () => {})
  sockets.push(socket)
}

const baseline = processMemory(llmux.pid)
console.log(`llmux idle: RSS ${baseline.rssMb.toFixed(1)} MB; ${CLIENTS} clients, ${EVENTS} KB streams, ${SECONDS} s`)
for (let i = 0; i < CLIENTS; i++) slowClient()
let peakRssMb = 0
const started = performance.now()
while (performance.now() - started < SECONDS * 1000) {
  await Bun.sleep(1000)
  const memory = processMemory(llmux.pid)
  peakRssMb = Math.max(peakRssMb, memory.rssMb)
  const elapsed = Math.round((performance.now() - started) / 1000)
  console.log(`${String(elapsed).padStart(3)} s  RSS ${memory.rssMb.toFixed(1)} MB  upstream pulled ${(pulledBytes / 1048576).toFixed(1)} MB  clients read ${(readBytes / 1048576).toFixed(1)} MB`)
}
const { peakRssMb: vmHwmMb } = processMemory(llmux.pid)
console.log(`peak RSS ${peakRssMb.toFixed(1)} MB (VmHWM ${vmHwmMb.toFixed(1)} MB); the upstreams were pulled ${(pulledBytes / 1048576).toFixed(1)} MB of ${((CLIENTS * EVENTS) / 1024).toFixed(0)} MB, the clients read ${(readBytes / 1048576).toFixed(1)} MB`)
for (const socket of sockets) socket.destroy()
await llmux.stop()
upstream.stop(true)
rmSync(dir, { recursive: true, force: true })

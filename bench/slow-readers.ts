/**
 * Memory under slow readers (issue 12, SPEC §13): many clients each open a ~2 MB stream through llmux
 * and read it slowly. With backpressure, a slow client holds back its own upstream, so llmux's memory
 * stays bounded instead of buffering every answer. Prints llmux's RSS over the run and its peak.
 *
 *   bun bench/slow-readers.ts [--runs 5] [--clients 200] [--seconds 6] [--stream-kb 2048]
 *     [--target llmux|forwarder|relay|relay-first-chunk] [--client openai|anthropic]
 *
 * `--target forwarder` runs the bare Bun forwarder instead, as the floor of what this runtime holds;
 * `relay` and `relay-first-chunk` run it with `--relay`, the floor for relaying the bytes through
 * JavaScript (answering at once, or after the first chunk as llmux does).
 * The peak depends on how the 200 stream starts fall against the garbage collector and Bun's HTTP
 * thread, and moves by ±40 % between identical runs; so each run starts a fresh server, and the
 * summary gives every run's peak and their median.
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
  options: {
    runs: { type: 'string', default: '5' },
    clients: { type: 'string', default: '200' },
    seconds: { type: 'string', default: '6' },
    'stream-kb': { type: 'string', default: '2048' },
    target: { type: 'string', default: 'llmux' },
    client: { type: 'string', default: 'openai' },
  },
})
const TARGETS = ['llmux', 'forwarder', 'relay', 'relay-first-chunk']
if (!TARGETS.includes(values.target)) {
  console.error(`--target must be one of ${TARGETS.join(', ')}`)
  process.exit(2)
}
const RUNS = Number(values.runs)
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

// `--client anthropic`: the clients speak Anthropic Messages, so llmux translates every event (the forwarder does not).
const isAnthropicClient = values.client === 'anthropic'
const body = JSON.stringify({ model: 'm', stream: true, ...(isAnthropicClient && { max_tokens: 4096 }), messages: [{ role: 'user', content: 'a long answer, please' }] })
const request = `POST ${isAnthropicClient ? '/v1/messages' : '/v1/chat/completions'} HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`

/** One run: a fresh server, CLIENTS slow clients, SECONDS of 1 s samples; its peak RSS (VmHWM, MB). */
async function measureOnce(run: number): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'llmux-slow-readers-'))
  const port = freePort()
  const config = join(dir, 'llmux.toml')
  writeFileSync(config, `host = "127.0.0.1"\nport = ${port}\nstore = "memory"\nlog_level = "warn"\nstream_idle_timeout = 600\n[provider.up]\ntype = "openai"\nbase_url = "http://127.0.0.1:${upstream.port}/v1"\napi_key = "k"\n[[backend]]\nmodel = "up:m"\n`)
  const upstreamUrl = `http://127.0.0.1:${upstream.port}/v1`
  const commands: Record<string, string[]> = {
    llmux: [process.execPath, LLMUX_ENTRY, 'start', '--config', config],
    forwarder: [process.execPath, join(import.meta.dir, 'bare-forwarder.ts'), '--port', String(port), '--upstream', upstreamUrl],
    relay: [process.execPath, join(import.meta.dir, 'bare-forwarder.ts'), '--port', String(port), '--upstream', upstreamUrl, '--relay'],
    'relay-first-chunk': [process.execPath, join(import.meta.dir, 'bare-forwarder.ts'), '--port', String(port), '--upstream', upstreamUrl, '--relay', '--first-chunk'],
  }
  const command = commands[values.target]!
  const server = await spawnServer({
    name: values.target,
    command,
    port,
    env: { BUN_CONFIG_MAX_HTTP_REQUESTS: '4096' },
    timeoutMs: 15_000,
    probe: async (url) => (await fetch(`${url}/health`)).status < 500,
  })
  pulledBytes = 0
  let readBytes = 0
  const sockets: Socket[] = []
  /** A client that takes one chunk, then waits 250 ms before it takes the next. */
  const slowClient = (): void => {
    const socket = connect(port, '127.0.0.1', () => socket.write(request))
    socket.on('data', (chunk) => {
      readBytes += chunk.length
      socket.pause()
      setTimeout(() => socket.resume(), Number(process.env.SLOW_PAUSE_MS ?? 250))
    })
    socket.on('error', () => {})
    sockets.push(socket)
  }
  const baseline = processMemory(server.pid)
  console.log(`run ${run}: ${values.target} idle RSS ${baseline.rssMb.toFixed(1)} MB; ${CLIENTS} clients, ${EVENTS} KB streams, ${SECONDS} s`)
  for (let i = 0; i < CLIENTS; i++) slowClient()
  const started = performance.now()
  while (performance.now() - started < SECONDS * 1000) {
    await Bun.sleep(1000)
    const memory = processMemory(server.pid)
    const elapsed = Math.round((performance.now() - started) / 1000)
    console.log(`${String(elapsed).padStart(3)} s  RSS ${memory.rssMb.toFixed(1)} MB  upstream pulled ${(pulledBytes / 1048576).toFixed(1)} MB  clients read ${(readBytes / 1048576).toFixed(1)} MB`)
  }
  const { peakRssMb } = processMemory(server.pid)
  console.log(`run ${run}: peak RSS (VmHWM) ${peakRssMb.toFixed(1)} MB; the upstreams were pulled ${(pulledBytes / 1048576).toFixed(1)} MB of ${((CLIENTS * EVENTS) / 1024).toFixed(0)} MB, the clients read ${(readBytes / 1048576).toFixed(1)} MB`)
  for (const socket of sockets) socket.destroy()
  await server.stop()
  rmSync(dir, { recursive: true, force: true })
  return peakRssMb
}

const peaks: number[] = []
for (let run = 1; run <= RUNS; run++) peaks.push(await measureOnce(run))
upstream.stop(true)
const sorted = [...peaks].sort((a, b) => a - b)
const middle = sorted.length / 2
const median = sorted.length % 2 === 1 ? sorted[Math.floor(middle)] : (sorted[middle - 1] + sorted[middle]) / 2
console.log(`${values.target}: peak RSS per run ${peaks.map((peak) => peak.toFixed(0)).join(' / ')} MB; median ${median.toFixed(0)} MB, ${peaks.filter((peak) => peak <= 150).length} of ${RUNS} runs ≤ 150 MB`)

/**
 * CPU per upstream chunk of a passthrough stream's transform (src/gateway/streams/passthrough-transform.ts):
 * the scans that read usage, the end and errors, and keep whole events; and, for comparison, of the
 * translated transform (OpenAI upstream → Anthropic client: parse, decode, encode every event). A microbenchmark of the one step
 * that runs on every chunk of every same-protocol stream; chunks of 1 event (the rig's streams: one
 * token per read) and of ~150 KB (what a read returns when many streams start at once, as in
 * bench/slow-readers.ts).
 *
 *   bun bench/stream-transform.ts [--seconds 2]
 */
import { parseArgs } from 'node:util'
import type { StreamTransform } from '../src/gateway/streams/open-stream.ts'
import { passthroughTransform } from '../src/gateway/streams/passthrough-transform.ts'
import { translatedTransform } from '../src/gateway/streams/translated-transform.ts'
import { backendCodecs, clientProtocolOf } from '../src/protocols/registry.ts'

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '2' } } })
const openai = clientProtocolOf('openai')!
const encoder = new TextEncoder()
const event = (content: string) =>
  `data: ${JSON.stringify({ id: 'chatcmpl-b', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: { content }, finish_reason: null }] })}\n\n`

const anthropic = clientProtocolOf('anthropic')!
const context = { estimatedInputTokens: 10, includeUsage: false, id: 'bench', model: 'm', created: 1 }
const kinds: Record<string, () => StreamTransform> = {
  passthrough: () => passthroughTransform(openai, true),
  'translated to Anthropic': () => translatedTransform(backendCodecs.openai, anthropic, context),
}

/** Runs a stream of `chunks` (after a first event) through fresh transforms of each kind, over and over, for `seconds` each. */
function measure(label: string, chunks: Uint8Array[]): void {
  for (const [kind, make] of Object.entries(kinds)) measureKind(`${label}, ${kind}`, chunks, make)
}

function measureKind(label: string, chunks: Uint8Array[], make: () => StreamTransform): void {
  const first = encoder.encode(event(''))
  const bytes = chunks.reduce((sum, chunk) => sum + chunk.length, 0)
  let rounds = 0
  const started = performance.now()
  const deadline = started + Number(values.seconds) * 1000
  while (performance.now() < deadline) {
    const transform = make()
    transform.push(first)
    for (const chunk of chunks) transform.push(chunk)
    rounds++
  }
  const elapsedUs = (performance.now() - started) * 1000
  const perChunk = elapsedUs / (rounds * chunks.length)
  console.log(`${label.padEnd(58)} ${perChunk.toFixed(2).padStart(8)} µs per chunk  ${((rounds * bytes) / (elapsedUs / 1e6) / 1048576).toFixed(0).padStart(6)} MB/s`)
}

measure('1 event per chunk (~160 B)', Array.from({ length: 2000 }, (_, index) => encoder.encode(event(`token${index} `))))
const large = encoder.encode(Array.from({ length: 160 }, () => event('x'.repeat(900))).join(''))
measure('160 events per chunk (~160 KB)', Array.from({ length: 20 }, () => large))
// What a read returns under load: the same bytes cut anywhere, so most chunks end inside an event.
const stream = encoder.encode(Array.from({ length: 3200 }, () => event('x'.repeat(900))).join(''))
const cut: Uint8Array[] = []
for (let at = 0, size = 150_001; at < stream.length; at += size, size = size === 150_001 ? 149_003 : 150_001) cut.push(stream.slice(at, at + size))
measure('~150 KB chunks, cut mid-event', cut)

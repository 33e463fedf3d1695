/**
 * Probes how Codex CLI reacts to failures on `POST /v1/responses` (retries, delays, exit code, message):
 *   npx bun test/codex/probe.ts [probe ...]      (no argument: every probe, one after another)
 * Prints one JSON summary per probe: attempts, the gaps between them (ms), exit code, last stderr lines.
 */
import { rm } from 'node:fs/promises'
import { CODEX_MODEL, type CaptureOptions, startCaptureServer, streamAnswer } from './capture-server.ts'
import { type CodexOptions, runCodex } from './run-codex.ts'

const sse = (text: string, status = 200, headers: Record<string, string> = {}) =>
  new Response(text, { status, headers: { 'content-type': 'text/event-stream', ...headers } })
const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } })
const errorBody = (message: string, type: string, code: string) => ({ error: { message, type, param: null, code } })

function line(type: string, sequence: number, fields: Record<string, unknown>): string {
  return `event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: sequence, ...fields })}\n\n`
}
const created = line('response.created', 0, { response: { id: 'resp_probe', object: 'response', status: 'in_progress', model: CODEX_MODEL, output: [] } })
function failed(code: string, message: string): string {
  return created + line('response.failed', 1, {
    response: { id: 'resp_probe', object: 'response', status: 'failed', model: CODEX_MODEL, output: [], error: { code, message } },
  })
}
/** A full answer minus its response.completed. */
function withoutCompleted(): string {
  const full = streamAnswer(CODEX_MODEL, () => [])
  return full.split('\n\n').filter((chunk) => chunk && !chunk.includes('response.completed')).map((c) => `${c}\n\n`).join('')
}

interface Probe {
  /** Answer for the nth POST /v1/responses; undefined means the normal scripted answer. */
  answer?: (index: number) => Response | undefined
  options?: CodexOptions
  websocketStatus?: number
}

const probes: Record<string, Probe> = {
  'no-completed': { answer: () => sse(withoutCompleted()) },
  'no-completed-then-ok': { answer: (i) => (i < 2 ? sse(withoutCompleted()) : undefined) },
  'failed-rate-limit-then-ok': { answer: (i) => (i < 2 ? sse(failed('rate_limit_exceeded', 'Rate limit reached. Please try again in 1.5s.')) : undefined) },
  'failed-rate-limit': { answer: () => sse(failed('rate_limit_exceeded', 'Rate limit reached. Please try again in 0.5s.')) },
  'failed-context': { answer: () => sse(failed('context_length_exceeded', 'Your input exceeds the context window of this model.')) },
  'failed-quota': { answer: () => sse(failed('insufficient_quota', 'You exceeded your current quota.')) },
  'failed-server-error': { answer: () => sse(failed('server_error', 'The backend failed.')) },
  'error-event': { answer: () => sse(created + line('error', 1, { code: 'server_error', message: 'upstream broke', param: null })) },
  incomplete: {
    answer: () => sse(created + line('response.incomplete', 1, {
      response: { id: 'resp_probe', object: 'response', status: 'incomplete', model: CODEX_MODEL, output: [], incomplete_details: { reason: 'max_output_tokens' } },
    })),
  },
  'http-429': { answer: () => json(429, errorBody('Rate limit reached.', 'rate_limit_error', 'rate_limit_exceeded')) },
  'http-429-retry-after-then-ok': {
    answer: (i) => (i < 1 ? json(429, errorBody('Rate limit reached.', 'rate_limit_error', 'rate_limit_exceeded'), { 'retry-after': '2' }) : undefined),
  },
  'http-429-quota': { answer: () => json(429, errorBody('You exceeded your current quota.', 'insufficient_quota', 'insufficient_quota'), { 'retry-after': '3600' }) },
  'http-500': { answer: () => json(500, errorBody('boom', 'server_error', 'server_error')) },
  'http-503-then-ok': { answer: (i) => (i < 2 ? json(503, errorBody('busy', 'server_error', 'overloaded')) : undefined) },
  'http-400-context': { answer: () => json(400, errorBody('This model\'s maximum context length is 1000 tokens.', 'invalid_request_error', 'context_length_exceeded')) },
  'http-401': { answer: () => json(401, errorBody('bad key', 'authentication_error', 'invalid_api_key')) },
  'websocket-426': { options: { websockets: true }, websocketStatus: 426 },
  'websocket-404': { options: { websockets: true }, websocketStatus: 404 },
  'websocket-400': { options: { websockets: true }, websocketStatus: 400 },
  'websocket-501': { options: { websockets: true }, websocketStatus: 501 },
  'rate-limit-headers': {
    answer: () => new Response(streamAnswer(CODEX_MODEL, () => []), {
      headers: {
        'content-type': 'text/event-stream',
        'x-codex-primary-used-percent': '42.5',
        'x-codex-primary-window-minutes': '300',
        'x-codex-primary-reset-at': String(Math.floor(Date.now() / 1000) + 3600),
      },
    }),
  },
}

async function probe(name: string, spec: Probe): Promise<void> {
  const times: number[] = []
  const start = Date.now()
  const options: CaptureOptions = {
    websocketStatus: spec.websocketStatus,
    override: (index) => {
      times.push(Date.now() - start)
      return spec.answer?.(index)
    },
  }
  const server = startCaptureServer('plain', options)
  const run = await runCodex(server.url, 'say hi', { timeoutMs: 100_000, ...spec.options })
  server.stop()
  await rm(run.workDir, { recursive: true, force: true })
  const gaps = times.slice(1).map((t, i) => t - times[i]!)
  const requests = server.captured.map((r) => `${r.method} ${r.path}${r.query} ${r.status}${r.headers.upgrade ? ` upgrade=${r.headers.upgrade}` : ''}`)
  const events = run.stdout.trim().split('\n').filter(Boolean).map((l) => {
    try {
      const e = JSON.parse(l)
      return e.type === 'error' || e.type === 'turn.failed' ? `${e.type}: ${JSON.stringify(e.message ?? e.error)}` : e.type
    } catch {
      return l
    }
  })
  console.log(JSON.stringify({
    probe: name, exitCode: run.exitCode, totalMs: Date.now() - start, attempts: times.length, gapsMs: gaps,
    requests: [...new Set(requests)].map((r) => `${r} x${requests.filter((x) => x === r).length}`),
    events, stderr: run.stderr.trim().split('\n').filter((l) => !l.includes('PATH aliases') && !l.startsWith('Reading additional')).slice(-4).map((l) => l.slice(0, 300)),
  }, null, 1))
}

const names = process.argv.slice(2)
for (const name of names.length > 0 ? names : Object.keys(probes)) {
  const spec = probes[name]
  if (!spec) throw new Error(`unknown probe ${name}; known: ${Object.keys(probes).join(', ')}`)
  await probe(name, spec)
}

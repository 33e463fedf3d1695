/**
 * Codex CLI itself (`codex exec --json`), through a real llmux (a child process), to mock upstreams of
 * each backend kind: Chat Completions, Anthropic Messages, and Responses (passthrough). A recording proxy
 * between Codex and llmux keeps every Responses stream llmux answered, so the tests can check its events.
 * Needs Codex installed outside the project's dependencies: `node test/codex/install.mjs`.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { type MockHandler, type MockUpstream, startMockUpstream } from '../helpers/mock-upstream.ts'
import { type RunningLlmux, startLlmux } from '../claude-code/start-llmux.ts'
import { startDroppingUpstream } from './dropping-upstream.ts'
import { type RecordingProxy, sseEvents, startRecordingProxy } from './recording-proxy.ts'
import { type CodexRun, codexBinary, runCodex } from './run-codex.ts'
import {
  AFTER_CUT_TEXT, type BackendKind, CALL_ID, CUT_DELTAS, PATCH_CONTENT, PATCH_FILE, PATCH_FINAL, PLAIN_TEXT,
  SHELL_FINAL, SHELL_MARKER, offeredTools, tagOf, toolResultOf, upstreamHandler,
} from './upstreams.ts'

const CODEX_TIMEOUT_MS = 60_000
const TEST_TIMEOUT_MS = CODEX_TIMEOUT_MS + 15_000

interface Rig {
  upstreams: MockUpstream[]
  llmux: RunningLlmux
  proxy: RecordingProxy
  configDir: string
}

interface RigBackend {
  kind: BackendKind
  handler: MockHandler
  /** Serve it from a raw socket that can drop the connection mid-answer (dropping-upstream.ts). */
  canDrop?: boolean
}

/** One provider and one backend per upstream, in order; `thinking` because Codex always sends `reasoning`. */
function configFor(backends: { kind: BackendKind; url: string }[]): string {
  const tables = backends.map(({ kind, url }, index) => {
    const type = kind === 'anthropic' ? 'type = "anthropic"' : kind === 'responses' ? 'type = "openai"\napi = "responses"' : 'type = "openai"'
    const baseUrl = kind === 'anthropic' ? url : `${url}/v1`
    return `[provider.up${index}]\n${type}\nbase_url = "${baseUrl}"\napi_key = "test-upstream-key"\n\n[[backend]]\nmodel = "up${index}:gpt-upstream"\ncontext = 400000\nvision = true\nthinking = true\n`
  })
  return `store = "memory"\n\n${tables.join('\n')}`
}

const rigs: Rig[] = []
const workDirs: string[] = []

async function startRig(backends: RigBackend[]): Promise<Rig> {
  const upstreams = backends.map((backend) => (backend.canDrop ? startDroppingUpstream : startMockUpstream)(backend.handler))
  const configDir = await mkdtemp(path.join(tmpdir(), 'llmux-codex-config-'))
  const configPath = path.join(configDir, 'llmux.toml')
  await writeFile(configPath, configFor(backends.map((backend, index) => ({ kind: backend.kind, url: upstreams[index]!.url }))))
  const llmux = await startLlmux(configPath)
  const rig = { upstreams, llmux, proxy: startRecordingProxy(llmux.url), configDir }
  rigs.push(rig)
  return rig
}

async function stopRig(rig: Rig): Promise<void> {
  await rig.proxy.stop()
  await rig.llmux.stop()
  await Promise.all(rig.upstreams.map((upstream) => upstream.stop()))
  await rm(rig.configDir, { recursive: true, force: true })
}

beforeAll(() => {
  codexBinary() // fails here, with the install command, when Codex is missing
})

afterAll(async () => {
  await Promise.all(rigs.splice(0).map(stopRig))
  await Promise.all(workDirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })))
})

/** What one Codex run did: its output, and what the upstreams and the proxy saw during it. */
interface Turn {
  run: CodexRun
  /** `codex exec --json` lines. */
  events: { type: string; item?: Record<string, unknown> }[]
  agentMessages: string[]
  /** Requests each upstream received during this run. */
  seen: MockUpstream['seen'][]
  /** `POST /v1/responses` answers llmux gave during this run: status and the data events. */
  answers: { status: number; headers: Record<string, string>; events: Record<string, unknown>[]; text: string }[]
  diagnostics: () => string
}

async function codex(rig: Rig, prompt: string): Promise<Turn> {
  const seenBefore = rig.upstreams.map((upstream) => upstream.seen.length)
  const exchangesBefore = rig.proxy.exchanges.length
  const outputBefore = rig.llmux.output().length
  const run = await runCodex(rig.proxy.url, prompt, { timeoutMs: CODEX_TIMEOUT_MS })
  workDirs.push(run.workDir)
  await rig.proxy.settled()
  const events = run.stdout.split('\n').filter((line) => line.trim().startsWith('{')).map((line) => JSON.parse(line) as Turn['events'][number])
  const agentMessages = events
    .filter((event) => event.type === 'item.completed' && event.item?.type === 'agent_message')
    .map((event) => String(event.item?.text))
  const seen = rig.upstreams.map((upstream, index) => upstream.seen.slice(seenBefore[index]))
  const answers = rig.proxy.exchanges.slice(exchangesBefore)
    .filter((exchange) => exchange.method === 'POST' && exchange.path === '/v1/responses')
    .map((exchange) => ({ status: exchange.status, headers: exchange.headers, events: sseEvents(exchange.responseText), text: exchange.responseText }))
  const diagnostics = () => {
    const upstreamLines = seen.flatMap((requests, index) => requests.map((request) => `upstream ${index} ${request.method} ${request.path}: …${request.bodyText.slice(-700)}`))
    const answerLines = answers.map((answer, index) => `llmux answer ${index}: ${answer.status} ${answer.events.map((event) => event.type).join(' ')}`)
    return [
      `codex exit ${run.exitCode}`, `codex stdout:\n${run.stdout}`, `codex stderr (tail):\n${run.stderr.slice(-3000)}`,
      `llmux output during the run:\n${rig.llmux.output().slice(outputBefore)}`,
      `upstreams saw ${seen.map((requests) => requests.length).join(' + ')} request(s):\n${upstreamLines.join('\n')}`,
      `llmux answered ${answers.length} POST /v1/responses:\n${answerLines.join('\n')}`,
    ].join('\n\n')
  }
  return { run, events, agentMessages, seen, answers, diagnostics }
}

const TERMINAL = new Set(['response.completed', 'response.failed', 'response.incomplete'])

/** The terminal events of one stream llmux answered, in order (a well-formed stream has exactly one, last). */
function terminalsOf(answer: Turn['answers'][number]): string[] {
  return answer.events.map((event) => String(event.type)).filter((type) => TERMINAL.has(type))
}

/** Runs a test's assertions; a failure carries everything needed to see why (Codex, llmux, upstreams). */
async function explained(turn: Turn, assertions: () => void | Promise<void>): Promise<void> {
  try {
    await assertions()
  } catch (error) {
    throw new Error(`${error instanceof Error ? error.message : String(error)}\n\n${turn.diagnostics()}`)
  }
}

/** An assertion that says in words what went wrong (explained() adds the diagnostics). */
function check(condition: boolean, what: string): void {
  if (!condition) throw new Error(what)
}

function expectCompletedStreams(turn: Turn, count: number): void {
  check(turn.answers.length === count, `expected ${count} POST /v1/responses answered by llmux, got ${turn.answers.length}`)
  for (const answer of turn.answers) {
    check(answer.status === 200, `llmux answered ${answer.status}`)
    check(String(answer.events[0]?.type) === 'response.created', 'a stream did not start with response.created')
    const terminals = terminalsOf(answer)
    check(terminals.length === 1 && terminals[0] === 'response.completed' && answer.events.at(-1)?.type === 'response.completed',
      `a stream did not end with exactly one response.completed (terminal events: ${terminals.join(', ') || 'none'})`)
    const completed = answer.events.at(-1)?.response as { id?: unknown } | undefined
    check(typeof completed?.id === 'string' && completed.id !== '', 'response.completed carries no response id')
  }
}

const kinds: [string, BackendKind][] = [
  ['Chat Completions', 'chat'],
  ['Anthropic Messages', 'anthropic'],
  ['Responses', 'responses'],
]

describe.each(kinds)('codex exec through llmux to the %s backend', (_name, kind) => {
  let rig: Rig
  beforeAll(async () => {
    rig = await startRig([{ kind, handler: upstreamHandler(kind) }])
  })

  test('a plain answer reaches Codex as its agent message', async () => {
    const turn = await codex(rig, `Say hello. ${tagOf('plain')}`)
    await explained(turn, async () => {
      check(turn.run.exitCode === 0, 'codex exited with an error')
      expect(turn.agentMessages).toEqual([PLAIN_TEXT])
      expect(turn.seen[0]).toHaveLength(1)
      expectCompletedStreams(turn, 1)
    })
  }, TEST_TIMEOUT_MS)

  test('a shell round trip: exec_command runs, its output goes back to the upstream, the final answer comes back', async () => {
    const turn = await codex(rig, `Run the shell check. ${tagOf('shell')}`)
    await explained(turn, async () => {
      check(turn.run.exitCode === 0, 'codex exited with an error')
      const [first, second] = turn.seen[0]!
      check(first !== undefined && offeredTools(first.body).includes('exec_command'), 'the upstream was not offered exec_command')
      const result = second && toolResultOf(kind, second.body)
      check(result !== undefined, 'no tool result reached the upstream in the second request')
      expect(result!.callId).toBe(CALL_ID[kind])
      expect(result!.text).toContain(SHELL_MARKER)
      const command = turn.events.find((event) => event.type === 'item.completed' && event.item?.type === 'command_execution')?.item
      check(command !== undefined, 'codex reported no command_execution')
      expect(command).toMatchObject({ exit_code: 0 })
      expect(String(command!.aggregated_output)).toContain(SHELL_MARKER)
      expect(turn.agentMessages).toEqual([SHELL_FINAL])
      expect(turn.seen[0]).toHaveLength(2)
      expectCompletedStreams(turn, 2)
    })
  }, TEST_TIMEOUT_MS)

  test('an apply_patch round trip creates hello.txt in the work dir', async () => {
    const turn = await codex(rig, `Create the file. ${tagOf('patch')}`)
    await explained(turn, async () => {
      check(turn.run.exitCode === 0, 'codex exited with an error')
      const [first, second] = turn.seen[0]!
      check(first !== undefined && offeredTools(first.body).includes('apply_patch'), 'the upstream was not offered apply_patch')
      const written = await readFile(path.join(turn.run.workDir, PATCH_FILE), 'utf8').catch(() => undefined)
      check(written !== undefined, `${PATCH_FILE} was not created in the work dir`)
      expect(written).toBe(PATCH_CONTENT)
      const result = second && toolResultOf(kind, second.body)
      check(result !== undefined, 'no apply_patch result reached the upstream in the second request')
      expect(result!.callId).toBe(CALL_ID[kind])
      expect(turn.agentMessages).toEqual([PATCH_FINAL])
      expectCompletedStreams(turn, 2)
    })
  }, TEST_TIMEOUT_MS)
})

describe('codex exec through llmux to Chat Completions backends, when things go wrong', () => {
  test('an upstream 429 fails over to the next backend: Codex gets the answer, the first backend saw one request', async () => {
    const rateLimited: MockHandler = () => Response.json(
      { error: { message: 'Rate limit reached for requests', type: 'requests', param: null, code: 'rate_limit_exceeded' } },
      { status: 429, headers: { 'retry-after': '20' } },
    )
    const rig = await startRig([{ kind: 'chat', handler: rateLimited }, { kind: 'chat', handler: upstreamHandler('chat') }])
    const turn = await codex(rig, `Say hello. ${tagOf('plain')}`)
    await explained(turn, async () => {
      check(turn.run.exitCode === 0, 'codex exited with an error')
      expect(turn.agentMessages).toEqual([PLAIN_TEXT])
      check(turn.seen[0]!.length === 1, `the rate-limited backend saw ${turn.seen[0]!.length} requests, expected 1`)
      expect(turn.seen[1]).toHaveLength(1)
      expectCompletedStreams(turn, 1)
      expect(turn.answers[0]!.headers['x-llmux-backend']).toBe('up1:gpt-upstream')
      expect(turn.answers[0]!.headers['x-llmux-attempts']).toBe('2')
    })
  }, TEST_TIMEOUT_MS)

  test.each([
    ['the connection drops mid-body', true],
    ['the body ends without finish_reason or [DONE]', false],
  ])('a stream cut mid-way (%s) ends in one response.failed, and Codex\'s retry gets the one final answer', async (_how, canDrop) => {
    const rig = await startRig([{ kind: 'chat', handler: upstreamHandler('chat'), canDrop }])
    const outputBefore = rig.llmux.output().length
    const turn = await codex(rig, `Answer me. ${tagOf('cut')}`)
    await explained(turn, async () => {
      check(turn.run.exitCode === 0, 'codex exited with an error')
      // The upstream cut its first answer and answered the retry normally.
      check(turn.seen[0]!.length === 2, `the upstream saw ${turn.seen[0]!.length} requests, expected the cut one and Codex's retry`)
      check(turn.answers.length === 2, `llmux answered ${turn.answers.length} streams, expected 2`)

      const [cut, retry] = turn.answers
      const partial = cut!.events.filter((event) => event.type === 'response.output_text.delta').map((event) => String(event.delta)).join('')
      check(partial === CUT_DELTAS.join(''), `the cut stream carried the text "${partial}", expected the deltas sent before the cut`)
      check(cut!.events.at(-1)?.type === 'response.failed' && terminalsOf(cut!).join() === 'response.failed',
        `the cut stream did not end with exactly one response.failed (terminal events: ${terminalsOf(cut!).join(', ') || 'none'})`)
      check(!cut!.events.some((event) => event.type === 'response.output_item.done' && JSON.stringify(event).includes(CUT_DELTAS[0]!)),
        'the cut stream finished the half message as if it were whole')
      const failure = (cut!.events.at(-1)?.response as { error?: { code?: unknown } } | undefined)?.error
      // server_error is the code Codex retries at once (SPEC §7.2).
      expect(failure?.code).toBe('server_error')
      expect(terminalsOf(retry!)).toEqual(['response.completed'])

      // Codex shows the final answer once and never the half one.
      expect(turn.agentMessages).toEqual([AFTER_CUT_TEXT])
      check(!turn.run.stdout.includes(CUT_DELTAS[1]!), 'the cut text reached Codex\'s output')
      const log = rig.llmux.output().slice(outputBefore)
      check(/→ \d+ up0:gpt-upstream .*cut-short/.test(log), 'llmux did not log the first request as cut short')
    })
  }, TEST_TIMEOUT_MS)
})

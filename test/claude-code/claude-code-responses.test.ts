/**
 * Claude Code itself, through llmux, to a mock OpenAI **Responses API** backend (an openai-type provider with
 * `api = "responses"`): one Bash tool round trip. The mock's first answer is a `function_call` of Bash, Claude
 * Code runs it, the second request must carry the `function_call_output`, and the mock answers with what it got.
 * Needs Claude Code installed outside the project's dependencies: `node test/claude-code/install.mjs`.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { responsesError, responsesHttpAnswer, responsesInput, startResponsesMock, type MockUpstream, type SeenRequest } from '../helpers/responses-mock.ts'
import { TOOL_PROMPT, claudeBinary, runClaude } from './run-claude.ts'
import { type RunningLlmux, startLlmux } from './start-llmux.ts'

const CLAUDE_TIMEOUT_MS = 120_000
const TOOL_CALL_ID = 'call_llmux_bash_resp_1'
const ECHO_COMMAND = 'echo llmux-tool-ok'
const BASH_ARGUMENTS = JSON.stringify({ command: ECHO_COMMAND, description: 'print a marker' })

const configFor = (upstreamBaseUrl: string) => `
store = "memory"

[provider.mockresp]
type = "openai"
api = "responses"
base_url = "${upstreamBaseUrl}"
api_key = "test"

[[backend]]
model = "mockresp:gpt-test"
context = 200000
vision = true
thinking = true
`

type Item = Record<string, unknown>

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)

/** Text of a message content or a tool output, whether a string or an array of text parts. */
const textOf = (content: unknown): string =>
  typeof content === 'string' ? content : Array.isArray(content) ? content.map((part: unknown) => (isRecord(part) && typeof part.text === 'string' ? part.text : '')).join('') : ''

const bashToolOf = (body: Record<string, unknown>): Item | undefined =>
  (Array.isArray(body.tools) ? body.tools : []).find((tool: unknown): tool is Item => isRecord(tool) && tool.name === 'Bash')

const outputOf = (body: Record<string, unknown>): Item | undefined =>
  responsesInput(body).find((item) => item.type === 'function_call_output' && item.call_id === TOOL_CALL_ID)

const asksForEcho = (body: Record<string, unknown>) =>
  bashToolOf(body) !== undefined && responsesInput(body).some((item) => item.role === 'user' && textOf(item.content).includes(ECHO_COMMAND))

function answer(request: SeenRequest): Response {
  if (request.method !== 'POST' || request.path.replace(/\?.*$/, '') !== '/v1/responses') {
    return responsesError(404, `Invalid URL (${request.method} ${request.path})`)
  }
  const body = request.body
  const options = { request: body, stream: body.stream === true }
  const output = outputOf(body)
  if (output) return responsesHttpAnswer({ text: `The command printed: ${textOf(output.output).trim()}` }, options)
  if (asksForEcho(body)) return responsesHttpAnswer({ functionCall: { callId: TOOL_CALL_ID, name: 'Bash', arguments: BASH_ARGUMENTS } }, options)
  return responsesHttpAnswer({ text: 'Hello from the mock upstream.' }, options)
}

let upstream: MockUpstream
let llmux: RunningLlmux | undefined
let configDir: string

beforeAll(async () => {
  claudeBinary() // fails here, with the install command, when Claude Code is missing
  upstream = startResponsesMock(answer)
  configDir = await mkdtemp(path.join(tmpdir(), 'llmux-claude-config-'))
  const configPath = path.join(configDir, 'llmux.toml')
  await writeFile(configPath, configFor(`${upstream.url}/v1`))
  llmux = await startLlmux(configPath)
})

afterAll(async () => {
  await llmux?.stop()
  await upstream?.stop()
  if (configDir) await rm(configDir, { recursive: true, force: true })
})

/** What to read when the test fails: Claude Code's output, llmux's log, what the upstream saw. */
function diagnostics(run: { exitCode: number; stdout: string; stderr: string }): string {
  const seen = upstream.seen.map(({ method, path: route, body }) => `${method} ${route} stream=${String(body.stream)} input=${JSON.stringify(body.input).slice(-400)}`)
  return [
    `claude exit ${run.exitCode}`, `stdout: ${run.stdout}`, `stderr: ${run.stderr}`,
    `llmux output:\n${llmux?.output() ?? ''}`, `upstream saw ${seen.length} request(s):\n${seen.join('\n')}`,
  ].join('\n')
}

test('claude -p runs a Bash tool round trip through llmux to a Responses API backend', async () => {
  const run = await runClaude(llmux!.url, TOOL_PROMPT, CLAUDE_TIMEOUT_MS)
  if (run.exitCode !== 0) throw new Error(diagnostics(run))

  const result: unknown = JSON.parse(run.stdout)
  expect(result).toMatchObject({ type: 'result', is_error: false })
  expect((result as { result: string }).result).toContain('The command printed: llmux-tool-ok')

  expect(upstream.seen.length).toBeGreaterThan(0)
  for (const request of upstream.seen) expect(`${request.method} ${request.path}`).toBe('POST /v1/responses')

  const withBash = upstream.seen.filter((request) => bashToolOf(request.body) !== undefined)
  if (withBash.length === 0) throw new Error(`no request declared Bash\n${diagnostics(run)}`)
  const bash = bashToolOf(withBash[0].body)!
  expect(bash.type).toBe('function')
  expect(bash.parameters).toMatchObject({ type: 'object', properties: { command: { type: 'string' } }, required: ['command'] })
  for (const request of upstream.seen) expect(request.body.store).toBe(false)

  // The tool call was asked for, and the request after it carries the call and its output.
  const callIndex = upstream.seen.findIndex((request) => asksForEcho(request.body) && !outputOf(request.body))
  expect(callIndex).toBeGreaterThanOrEqual(0)
  const followUp = upstream.seen.find((request) => outputOf(request.body) !== undefined)
  if (!followUp) throw new Error(`no function_call_output for ${TOOL_CALL_ID} reached the upstream\n${diagnostics(run)}`)
  expect(textOf(outputOf(followUp.body)!.output)).toContain('llmux-tool-ok')
  const call = responsesInput(followUp.body).find((item) => item.type === 'function_call')
  expect(call).toMatchObject({ type: 'function_call', call_id: TOOL_CALL_ID, name: 'Bash' })
  expect(JSON.parse(String(call!.arguments))).toEqual(JSON.parse(BASH_ARGUMENTS))
}, CLAUDE_TIMEOUT_MS + 30_000)

/**
 * Claude Code itself, through llmux, to a mock OpenAI backend: `claude -p` must get its answer, and one
 * Bash tool round trip must work (the mock asks for `echo`, Claude Code runs it and sends the result back).
 * Needs Claude Code installed outside the project's dependencies: `node test/claude-code/install.mjs`.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { ECHO_COMMAND, TOOL_CALL_ID, declaresBash, startOpenAIMock, textOf, toolResultOf } from './openai-mock.ts'
import { TOOL_PROMPT, claudeBinary, runClaude } from './run-claude.ts'
import { type RunningLlmux, startLlmux } from './start-llmux.ts'

const CLAUDE_TIMEOUT_MS = 120_000

const configFor = (upstreamBaseUrl: string) => `
store = "memory"

[provider.mockai]
type = "openai"
base_url = "${upstreamBaseUrl}"
api_key = "test"

[[backend]]
model = "mockai:gpt-test"
context = 200000
vision = true
thinking = true
`

let upstream: ReturnType<typeof startOpenAIMock>
let llmux: RunningLlmux | undefined
let configDir: string

beforeAll(async () => {
  claudeBinary() // fails here, with the install command, when Claude Code is missing
  upstream = startOpenAIMock()
  configDir = await mkdtemp(path.join(tmpdir(), 'llmux-claude-config-'))
  const configPath = path.join(configDir, 'llmux.toml')
  await writeFile(configPath, configFor(upstream.baseUrl))
  llmux = await startLlmux(configPath)
})

afterAll(async () => {
  await llmux?.stop()
  upstream?.stop()
  if (configDir) await rm(configDir, { recursive: true, force: true })
})

/** What to read when the test fails: Claude Code's output, llmux's log, what the upstream saw. */
function diagnostics(run: { exitCode: number; stdout: string; stderr: string }): string {
  const seen = upstream.seen.map(({ path: route, body }) => `${route} stream=${String(body.stream)} messages=${JSON.stringify(body.messages).slice(-400)}`)
  return [
    `claude exit ${run.exitCode}`, `stdout: ${run.stdout}`, `stderr: ${run.stderr}`,
    `llmux output:\n${llmux?.output() ?? ''}`, `upstream saw ${seen.length} request(s):\n${seen.join('\n')}`,
  ].join('\n')
}

test('claude -p gets a plain answer through llmux from an OpenAI backend', async () => {
  const run = await runClaude(llmux!.url, 'say hi', CLAUDE_TIMEOUT_MS)
  if (run.exitCode !== 0) throw new Error(diagnostics(run))
  expect(JSON.parse(run.stdout)).toMatchObject({ type: 'result', is_error: false, result: 'Hello from the mock upstream.' })
}, CLAUDE_TIMEOUT_MS + 30_000)

test('claude -p runs a Bash tool round trip through llmux to an OpenAI backend', async () => {
  const run = await runClaude(llmux!.url, TOOL_PROMPT, CLAUDE_TIMEOUT_MS)
  if (run.exitCode !== 0) throw new Error(diagnostics(run))

  const result: unknown = JSON.parse(run.stdout)
  expect(result).toMatchObject({ type: 'result', is_error: false })
  expect((result as { result: string }).result).toContain('The command printed: llmux-tool-ok')

  const chats = upstream.seen.filter((request) => request.path === '/v1/chat/completions')
  expect(chats.some((request) => declaresBash(request.body))).toBe(true)
  const withResult = chats.map((request) => toolResultOf(request.body)).find((message) => message !== undefined)
  if (!withResult) throw new Error(`no tool result for ${TOOL_CALL_ID} reached the upstream\n${diagnostics(run)}`)
  expect(textOf(withResult.content)).toContain(ECHO_COMMAND.replace('echo ', ''))
}, CLAUDE_TIMEOUT_MS + 30_000)

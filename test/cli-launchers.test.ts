import { afterAll, expect, test } from 'bun:test'
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { runCli, startCli } from './helpers/run-cli.ts'
import { claudeBinary } from './claude-code/run-claude.ts'
import { codexBinary } from './codex/run-codex.ts'
import { startMockUpstream } from './helpers/mock-upstream.ts'
import { PATCH_CONTENT, PATCH_FILE, offeredTools, tagOf, upstreamHandler } from './codex/upstreams.ts'

/** `llmux env`, `llmux claude`, `llmux codex` (SPEC §2), spawned as a user would run them. */
const scratch = mkdtempSync(path.join(tmpdir(), 'llmux-launchers-'))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

/** A port nothing listens on right now. */
async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as { port: number }).port
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

function writeConfig(name: string, port: number, tokens = ''): string {
  const file = path.join(scratch, name)
  writeFileSync(file, `port = ${port}\n[provider.mock]\ntype = "mock"\n[[backend]]\nmodel = "mock:echo"\ncontext = 1000000\nthinking = true\nvision = true\n${tokens}`)
  return file
}

async function isListening(port: number): Promise<boolean> {
  return fetch(`http://127.0.0.1:${port}/health`).then(() => true, () => false)
}

test('llmux env prints the exports for claude, openai and codex, with and without [tokens]', async () => {
  const plain = writeConfig('env-plain.toml', 9001)
  const withTokens = writeConfig('env-tokens.toml', 9002, '[tokens]\nlaptop = "sk-laptop"\nother = "sk-other"\n')
  expect((await runCli(['env', 'claude', '--config', plain])).stdout).toBe(
    'export ANTHROPIC_BASE_URL=http://127.0.0.1:9001\nexport ANTHROPIC_API_KEY=llmux\n',
  )
  expect((await runCli(['env', 'claude', '-c', withTokens])).stdout).toBe(
    'export ANTHROPIC_BASE_URL=http://127.0.0.1:9002\nexport ANTHROPIC_API_KEY=sk-laptop\n',
  )
  expect((await runCli(['env', 'openai', '-c', plain])).stdout).toBe(
    'export OPENAI_BASE_URL=http://127.0.0.1:9001/v1\nexport OPENAI_API_KEY=llmux\n',
  )
  expect((await runCli(['env', 'openai', '-c', withTokens])).stdout).toBe(
    'export OPENAI_BASE_URL=http://127.0.0.1:9002/v1\nexport OPENAI_API_KEY=sk-laptop\n',
  )
  for (const [file, key, port] of [[plain, 'llmux', 9001], [withTokens, 'sk-laptop', 9002]] as const) {
    const codex = await runCli(['env', 'codex', '-c', file])
    expect(codex.code).toBe(0)
    const lines = codex.stdout.trim().split('\n')
    expect(lines[0]).toBe(`export LLMUX_API_KEY=${key}`)
    expect(lines[1]).toStartWith('# then run: codex ')
    expect(lines[1]).toContain(`-c 'model_providers.llmux.base_url="http://127.0.0.1:${port}/v1"'`)
    expect(lines[1]).toContain(`-c 'model_providers.llmux.wire_api="responses"'`)
    expect(lines[1]).toContain(`-c 'model_providers.llmux.env_key="LLMUX_API_KEY"'`)
    expect(lines[1]).toContain('-c model_providers.llmux.supports_websockets=false')
    expect(lines[1]).toContain(`-c 'model_providers.llmux.model_catalog_url="http://127.0.0.1:${port}/v1/models"'`)
    expect(lines[1]).toContain('-c features.api_key_model_discovery=true')
    expect(lines[1]).toContain(`-c 'model_provider="llmux"'`)
    // The mock backend takes any model name, so llmux's catalog lists the plain name llmux routes.
    expect(lines[1]).toContain(`-c 'model="gpt-5.5"'`)
  }
  // A backend that takes only the names it matches: the default is a name llmux's catalog does list.
  const matching = path.join(scratch, 'env-matching.toml')
  writeFileSync(matching, '[provider.mock]\ntype = "mock"\n[[backend]]\nmodel = "mock:echo"\nmodel_match = ["claude-*"]\n')
  expect((await runCli(['env', 'codex', '-c', matching])).stdout).toContain(`-c 'model="mock:echo"'`)
  const unknown = await runCli(['env', 'cursor', '-c', plain])
  expect(unknown.code).toBe(1)
  expect(unknown.stderr.trim().split('\n')).toHaveLength(1)
  expect(unknown.stderr).toContain('unknown tool "cursor"')
})

test("the agent's exit code becomes llmux's, and the llmux started for it stops", async () => {
  const port = await freePort()
  const config = writeConfig('exit.toml', port, '[tokens]\nlaptop = "sk-laptop"\n')
  const script = path.join(scratch, 'agent-exits-3.sh')
  writeFileSync(script, '#!/bin/sh\necho "url=$ANTHROPIC_BASE_URL key=$ANTHROPIC_API_KEY args=$*"\ncurl -s "$ANTHROPIC_BASE_URL/health" >/dev/null && echo llmux-up\nexit 3\n')
  chmodSync(script, 0o755)
  const result = await runCli(['claude', '-c', config, '--', '-p', 'say hi'], { env: { LLMUX_CLAUDE_BIN: script } })
  expect(result.code).toBe(3)
  expect(result.stdout).toContain(`url=http://127.0.0.1:${port} key=sk-laptop args=-p say hi`)
  expect(result.stdout).toContain('llmux-up')
  expect(await isListening(port)).toBe(false)
})

test('llmux claude uses the llmux of the config when it is already running, and leaves it running', async () => {
  const port = await freePort()
  const config = writeConfig('running.toml', port)
  const server = await startCli(['--config', config])
  try {
    const script = path.join(scratch, 'agent-ok.sh')
    writeFileSync(script, '#!/bin/sh\necho "url=$ANTHROPIC_BASE_URL key=$ANTHROPIC_API_KEY"\n')
    chmodSync(script, 0o755)
    const result = await runCli(['claude', '--config', config], { env: { LLMUX_CLAUDE_BIN: script } })
    expect(result).toMatchObject({ code: 0, stdout: `url=http://127.0.0.1:${port} key=llmux\n` })
    expect(await isListening(port)).toBe(true)
  } finally {
    server.child.kill('SIGTERM')
    await server.child.exited
  }
})

test("a port taken by something that is not llmux is one clear error", async () => {
  const other = Bun.serve({ port: 0, hostname: '127.0.0.1', fetch: () => new Response('not llmux', { status: 404 }) })
  try {
    const config = writeConfig('taken.toml', other.port!)
    const result = await runCli(['claude', '-c', config, '-p', 'hi'], { env: { LLMUX_CLAUDE_BIN: '/bin/true' } })
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('is taken by something that is not llmux')
  } finally {
    await other.stop(true)
  }
})

test('llmux claude -p runs the real Claude Code through a mock backend', async () => {
  const port = await freePort()
  const config = writeConfig('claude.toml', port)
  const home = mkdtempSync(path.join(scratch, 'claude-home-'))
  const result = await runCli(['claude', '-c', config, '-p', 'say hi', '--output-format', 'json', '--no-session-persistence'], {
    cwd: home,
    env: {
      LLMUX_CLAUDE_BIN: claudeBinary(),
      SHELL: '/bin/bash',
      LANG: 'C.UTF-8',
      HOME: home,
      TMPDIR: home,
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
      DISABLE_TELEMETRY: '1',
      DISABLE_AUTOUPDATER: '1',
      DISABLE_ERROR_REPORTING: '1',
    },
  })
  expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0)
  // The mock echoes the last user turn, which Claude Code prefixes with a <system-reminder>.
  const answer = (JSON.parse(result.stdout) as { result: string }).result
  expect(answer).toStartWith('mock: ')
  expect(answer).toEndWith('say hi')
  expect(await isListening(port)).toBe(false)
}, 120_000)

/** The user's own Codex config: offline settings only, no provider (llmux codex brings that on the command line). */
const USER_CODEX_CONFIG = 'check_for_update_on_startup = false\n\n[features]\nplugins = false\nremote_plugin = false\nplugin_sharing = false\nin_app_updates = false\n\n[analytics]\nenabled = false\n\n[feedback]\nenabled = false\n\n[history]\npersistence = "none"\n'

/** A scratch HOME whose ~/.codex holds USER_CODEX_CONFIG, and `llmux codex -c CONFIG exec … PROMPT` run in it. */
async function llmuxCodexExec(config: string, prompt: string) {
  const home = mkdtempSync(path.join(scratch, 'codex-home-'))
  const codexHome = path.join(home, '.codex')
  mkdirSync(codexHome)
  writeFileSync(path.join(codexHome, 'config.toml'), USER_CODEX_CONFIG)
  const result = await runCli(
    ['codex', '-c', config, 'exec', '--json', '--skip-git-repo-check', '--ephemeral', '--dangerously-bypass-approvals-and-sandbox', '--color', 'never', prompt],
    { cwd: home, env: { LLMUX_CODEX_BIN: codexBinary(), SHELL: '/bin/bash', LANG: 'C.UTF-8', HOME: home, TMPDIR: home, CODEX_HOME: codexHome } },
  )
  return { result, home, codexHome }
}

test('llmux codex exec runs the real Codex CLI through a mock backend, leaving its config.toml alone', async () => {
  const port = await freePort()
  const config = writeConfig('codex.toml', port)
  const { result, codexHome } = await llmuxCodexExec(config, 'say hi')
  expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0)
  const events = result.stdout.trim().split('\n').map((line) => JSON.parse(line) as { type: string; item?: { type: string; text?: string } })
  const message = events.find((event) => event.type === 'item.completed' && event.item?.type === 'agent_message')
  expect(message?.item?.text).toContain('mock: say hi')
  expect(await Bun.file(path.join(codexHome, 'config.toml')).text()).toBe(USER_CODEX_CONFIG)
  expect(await isListening(port)).toBe(false)
}, 120_000)

test("llmux codex makes the real Codex take llmux's model catalog: fetched from llmux, its prompt and freeform apply_patch used", async () => {
  const upstream = startMockUpstream(upstreamHandler('chat'))
  try {
    const port = await freePort()
    const config = path.join(scratch, 'codex-catalog.toml')
    writeFileSync(config, `port = ${port}\nstore = "memory"\n[provider.up]\ntype = "openai"\nbase_url = "${upstream.url}/v1"\napi_key = "test-upstream-key"\n` +
      '[[backend]]\nmodel = "up:gpt-upstream"\ncontext = 400000\nthinking = true\nvision = true\n[tokens]\nlaptop = "sk-laptop"\n')
    const { result, home, codexHome } = await llmuxCodexExec(config, `${tagOf('patch')} Add ${PATCH_FILE}.`)
    const explain = `${result.stdout}\n${result.stderr}\nupstream saw:\n${upstream.seen.map((request) => request.bodyText.slice(0, 600)).join('\n')}`
    expect(result.code, explain).toBe(0)
    // Codex asked llmux for its catalog (with the [tokens] key: llmux answers /v1/models to no one else) and
    // keeps what it got: llmux's entries, no model of its own bundled catalog.
    const cache = JSON.parse(readFileSync(path.join(codexHome, 'models_cache.json'), 'utf8')) as { models: { slug: string; model_messages: { instructions_template: string } }[] }
    expect(cache.models.map((model) => model.slug)).toEqual(['gpt-5.5', 'up:gpt-upstream'])
    // The run used that catalog's entry for gpt-5.5: its base_instructions (kept by Codex as its instructions
    // template) open the system prompt the backend got, and its freeform apply_patch was offered, called by
    // the backend, and applied by Codex.
    const first = upstream.seen[0]!.body as { messages: { role: string; content: unknown }[] }
    const system = first.messages.find((message) => message.role === 'system')?.content
    const systemText = typeof system === 'string' ? system : JSON.stringify(system)
    expect(systemText, explain).toStartWith(cache.models[0]!.model_messages.instructions_template)
    expect(systemText).toStartWith('You are Codex, a coding agent working in the user\'s workspace through the Codex CLI.')
    expect(offeredTools(upstream.seen[0]!.body)).toContain('apply_patch')
    expect(readFileSync(path.join(home, PATCH_FILE), 'utf8')).toBe(PATCH_CONTENT)
    expect(await Bun.file(path.join(codexHome, 'config.toml')).text()).toBe(USER_CODEX_CONFIG)
    expect(await isListening(port)).toBe(false)
  } finally {
    await upstream.stop()
  }
}, 120_000)

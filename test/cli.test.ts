import { afterAll, describe, expect, test } from 'bun:test'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import packageJson from '../package.json' with { type: 'json' }
import { runCli, startCli } from './helpers/run-cli.ts'

const dir = mkdtempSync(join(tmpdir(), 'llmux-cli-'))
const repo = join(import.meta.dir, '..')
const children: { kill(): void }[] = []
afterAll(() => children.forEach((child) => child.kill()))

describe('llmux CLI', () => {
  test('--version prints the version alone', async () => {
    const result = await runCli(['--version'])
    expect(result).toEqual({ code: 0, stdout: `${packageJson.version}\n`, stderr: '' })
  })

  test('--help lists every command', async () => {
    const result = await runCli(['--help'])
    expect(result.code).toBe(0)
    for (const command of ['start', 'check', 'route', 'stats', 'init']) expect(result.stdout).toContain(command)
  })

  test('start --help lists its flags', async () => {
    const result = await runCli(['start', '--help'])
    for (const flag of ['--config', '--host', '--port', '--https', '--ssl-key', '--ssl-cert', '--ssl-ca', '--verbose']) expect(result.stdout).toContain(flag)
  })

  test('check config.example.toml exits 0 and prints the backends', async () => {
    const result = await runCli(['check', join(repo, 'config.example.toml')], { env: {} })
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('backend')
    expect(result.stdout).toMatch(/mock/)
    expect(result.stdout).toContain('ok')
  })

  test('a config with three mistakes exits 1 and names all three by path', async () => {
    const file = join(dir, 'broken.toml')
    writeFileSync(file, `port = "eighty"\n[provider.m]\ntype = "mock"\n[[backend]]\nmodel = "m:echo"\ncontxt = 5\n[[backend]]\nmodel = "nocolon"\n`)
    const result = await runCli(['check', file])
    expect(result.code).toBe(1)
    expect(result.stdout).toBe('')
    expect(result.stderr).toContain('3 problems')
    expect(result.stderr).toContain('port:')
    expect(result.stderr).toContain('backend[0].contxt: unknown key (did you mean "context"?)')
    expect(result.stderr).toContain('backend[1].model:')
    expect(result.stderr).not.toContain('    at ') // no stack trace
  })

  test('check shows a Responses API backend, and refuses api on a provider type that has none', async () => {
    const good = join(dir, 'responses.toml')
    writeFileSync(good, `[provider.oai]\ntype = "openai"\nbase_url = "http://127.0.0.1:9/v1"\napi = "responses"\n[[backend]]\nmodel = "oai:gpt-5.5"\n`)
    const result = await runCli(['check', good])
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('openai (responses)')
    const bad = join(dir, 'bad-api.toml')
    writeFileSync(bad, `[provider.ant]\ntype = "anthropic"\nbase_url = "http://127.0.0.1:9"\n[[backend]]\nmodel = "ant:claude"\napi = "responses"\n[[backend]]\nmodel = "ant:claude-2"\napi = "soap"\n`)
    const refused = await runCli(['check', bad])
    expect(refused.code).toBe(1)
    expect(refused.stderr).toContain('backend[0].api: only used with an openai-type provider')
    expect(refused.stderr).toContain('backend[1].api:')
  })

  test('a missing config file is one clear line', async () => {
    const result = await runCli(['check', join(dir, 'nope.toml')])
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('file not found')
  })

  test('init writes a starter config that check accepts, and refuses to overwrite', async () => {
    const file = join(dir, 'starter.toml')
    expect((await runCli(['init', file])).code).toBe(0)
    expect(readFileSync(file, 'utf8')).toContain('[[backend]]')
    expect((await runCli(['check', file])).code).toBe(0)
    const again = await runCli(['init', file])
    expect(again.code).toBe(1)
    expect(again.stderr).toContain('already exists')
  })

  test('start refuses a non-loopback bind without tokens', async () => {
    const file = join(dir, 'open.toml')
    writeFileSync(file, `[provider.m]\ntype = "mock"\n[[backend]]\nmodel = "m:echo"\n`)
    const result = await runCli(['start', '--config', file, '--host', '0.0.0.0', '--port', '0'])
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('refusing to listen on 0.0.0.0 without [tokens]')
  })

  test('works as one compiled binary (no commands read from a folder at run time)', async () => {
    const binary = join(dir, 'llmux-compiled')
    const build = Bun.spawnSync([process.execPath, 'build', '--compile', join(repo, 'bin', 'llmux.ts'), '--outfile', binary], { cwd: repo, stderr: 'pipe' })
    expect(build.exitCode).toBe(0)
    const version = Bun.spawnSync([binary, '--version'], { cwd: dir })
    expect(version.stdout.toString()).toBe(`${packageJson.version}\n`)
    const check = Bun.spawnSync([binary, 'check', join(repo, 'config.example.toml')], { cwd: dir, env: { NO_COLOR: '1' } })
    expect(check.exitCode).toBe(0)
    expect(check.stdout.toString()).toContain('mock:echo')
    expect(Bun.spawnSync([binary, 'init', join(dir, 'from-binary.toml')], { cwd: dir }).exitCode).toBe(0)
    expect(readFileSync(join(dir, 'from-binary.toml'), 'utf8')).toContain('[[backend]]')
  })

  test('start serves config.example.toml: the mock answers streamed and not', async () => {
    const server = await startCli(['--config', join(repo, 'config.example.toml'), '--port', '0'], { env: {} })
    children.push(server.child)
    const body = { model: 'anything', messages: [{ role: 'user', content: 'hello llmux' }] }
    const whole = (await (await fetch(`${server.url}/v1/chat/completions`, { method: 'POST', body: JSON.stringify(body) })).json()) as { object: string; choices: { message: { content: string } }[] }
    expect(whole.object).toBe('chat.completion')
    expect(whole.choices[0].message.content).toBe('mock: hello llmux')
    const streamed = await (await fetch(`${server.url}/v1/chat/completions`, { method: 'POST', body: JSON.stringify({ ...body, stream: true }) })).text()
    expect(streamed).toContain('"object":"chat.completion.chunk"')
    expect(streamed.trimEnd().endsWith('data: [DONE]')).toBe(true)
    // one arrival and one completion line per request, with a millisecond timestamp
    expect(server.output()).toMatch(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z #1 ← POST \/v1\/chat\/completions\n/)
    expect(server.output()).toMatch(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z #1 → 200 mock:echo openai model=anything \d+\.\dms in=\d+ out=\d+\n/)
    server.child.kill('SIGTERM')
    expect(await server.child.exited).toBe(0)
  })
})

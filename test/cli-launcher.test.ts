import { afterAll, expect, test } from 'bun:test'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { homedir, tmpdir } from 'node:os'
import path from 'node:path'

/**
 * `llmux` as a real command (SPEC §2): bin/llmux runs in a checkout, and `npm install -g` of the
 * packed project works on a PATH that has Node and npm but no Bun (the runtime comes with the npm
 * package `bun`). Spawned as a user would run them.
 */
const repo = path.resolve(import.meta.dir, '..')
const scratch = mkdtempSync(path.join(tmpdir(), 'llmux-launcher-'))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

const nodeDir = path.dirname(Bun.which('node') ?? '/usr/bin/node')
// npm's own cache (warm after `npm ci`), so the install reads Bun's package from it rather than the network.
const npmCache = process.env.npm_config_cache ?? path.join(homedir(), '.npm')
/** Node and npm, the system's basics, and nothing of Bun's. */
const nodeOnlyPath = (extra: string) => [extra, nodeDir, '/usr/bin', '/bin'].join(':')

function run(command: string[], options: { cwd?: string; env?: Record<string, string> } = {}) {
  const result = Bun.spawnSync(command, { cwd: options.cwd ?? repo, env: options.env ?? { PATH: process.env.PATH ?? '', HOME: scratch }, stdout: 'pipe', stderr: 'pipe' })
  return { code: result.exitCode, stdout: result.stdout.toString(), stderr: result.stderr.toString() }
}

test('./bin/llmux is executable in a checkout', () => {
  const version = (JSON.parse(readFileSync(path.join(repo, 'package.json'), 'utf8')) as { version: string }).version
  const result = run(['./bin/llmux', '--version'])
  expect(result).toMatchObject({ code: 0, stdout: `${version}\n` })
})

test('npm install -g of the packed project runs on a PATH with Node and npm but no Bun', async () => {
  expect(Bun.which('bun', { PATH: nodeOnlyPath('') })).toBeNull()
  const packed = run(['npm', 'pack', '--silent', '--pack-destination', scratch])
  expect(packed.code).toBe(0)
  const tarball = path.join(scratch, packed.stdout.trim().split('\n').at(-1)!)
  const prefix = path.join(scratch, 'prefix')
  const installEnv = { PATH: nodeOnlyPath(''), HOME: scratch, npm_config_cache: npmCache }
  const installed = run(['npm', 'install', '-g', '--prefix', prefix, tarball, '--no-audit', '--no-fund', '--prefer-offline'], { env: installEnv })
  expect(installed.code).toBe(0)
  const env = { PATH: nodeOnlyPath(path.join(prefix, 'bin')), HOME: scratch }
  expect(run(['llmux', '--version'], { env, cwd: scratch }).code).toBe(0)

  const server = Bun.spawn(['llmux', 'start', '--config', path.join(repo, 'config.example.toml'), '--port', '0'], { cwd: scratch, env, stdout: 'pipe', stderr: 'pipe' })
  try {
    const reader = server.stdout.pipeThrough(new TextDecoderStream()).getReader()
    let output = ''
    while (!/listening on (\S+)/.test(output)) {
      const { value, done } = await reader.read()
      if (done) throw new Error(`llmux exited before listening: ${output}`)
      output += value
    }
    const url = /listening on (\S+)/.exec(output)![1]
    const answer = await fetch(`${url}/v1/chat/completions`, { method: 'POST', body: JSON.stringify({ model: 'any', messages: [{ role: 'user', content: 'hello' }] }) })
    expect(((await answer.json()) as { choices: { message: { content: string } }[] }).choices[0].message.content).toBe('mock: hello')
  } finally {
    server.kill('SIGTERM')
    await server.exited
  }
}, 120_000)

import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { RunningServer } from '../src/server/start-server.ts'
import type { Status } from '../src/server/status.ts'
import { runCli } from './helpers/run-cli.ts'
import { startGateway } from './helpers/start-gateway.ts'
import { refusedUrl } from './helpers/start-rig.ts'

/** `llmux status` (SPEC §2) against a running gateway, spawned as a user would run it. */
const dir = mkdtempSync(join(tmpdir(), 'llmux-status-'))
const BACKENDS = '[provider.m]\ntype = "mock"\n[[backend]]\nmodel = "m:echo"\nmax_per_hour = 50\n[[backend]]\nmodel = "m:other"\n'
const TOKENS = '[tokens]\nops = "ops-key"\n'
let gateway: RunningServer

beforeAll(async () => {
  gateway = await startGateway(`${BACKENDS}${TOKENS}`)
  for (let index = 0; index < 2; index++) {
    const response = await fetch(`${gateway.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: 'Bearer ops-key' }, body: JSON.stringify({ model: 'any', messages: [{ role: 'user', content: 'hello' }] }) })
    expect(response.status).toBe(200)
  }
})
afterAll(() => gateway.stop())

describe('llmux status', () => {
  test('reads host, port and the first token from the config and prints the backends as a table', async () => {
    const config = join(dir, 'config.toml')
    writeFileSync(config, `host = "127.0.0.1"\nport = ${gateway.port}\nstore = "memory"\n${BACKENDS}${TOKENS}`)
    const { code, stdout, stderr } = await runCli(['status', '--config', config])
    expect(stderr).toBe('')
    expect(code).toBe(0)
    expect(stdout).toMatch(/backend\s+provider\s+state\s+windows\s+requests/)
    expect(stdout).toMatch(/m:echo\s+m\s+ok\s+2 of 50 per hour\s+2\s+0/)
    expect(stdout).toMatch(/m:other\s+m\s+ok\s+-\s+0/)
    expect(stdout).toContain('today: 2 requests, 0 errors')
    expect(stdout).not.toContain('ops-key')
  })

  test('--json prints the /status JSON; --url and --token need no config', async () => {
    const { code, stdout } = await runCli(['status', '--url', gateway.url, '--token', 'ops-key', '--json'], { cwd: dir })
    expect(code).toBe(0)
    const status = JSON.parse(stdout) as Status
    expect(status.backends.map((backend) => backend.id)).toEqual(['m:echo', 'm:other'])
    expect(status.today.byClient).toEqual([expect.objectContaining({ key: 'ops', requests: 2 })])
    expect(status.recent).toHaveLength(2)
  })

  test('a wrong token and nothing listening are each one clear line and exit 1', async () => {
    const refused = await runCli(['status', '--url', gateway.url, '--token', 'wrong'], { cwd: dir })
    expect(refused.code).toBe(1)
    expect(refused.stderr.trim().split('\n')).toEqual([expect.stringContaining('refused the token')])
    const url = await refusedUrl()
    const nobody = await runCli(['status', '--url', url], { cwd: dir })
    expect(nobody.code).toBe(1)
    expect(nobody.stdout).toBe('')
    expect(nobody.stderr.trim().split('\n')).toEqual([`llmux: no llmux answers at ${url} (is it running? start it with \`llmux start\`, or pass --url)`])
  })
})

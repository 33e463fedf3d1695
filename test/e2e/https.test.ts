import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import OpenAI from 'openai'
import { startCli } from '../helpers/run-cli.ts'
import { startGateway } from '../helpers/start-gateway.ts'

const dir = mkdtempSync(join(tmpdir(), 'llmux-tls-'))
const keyFile = join(dir, 'key.pem')
const certFile = join(dir, 'cert.pem')
const children: { kill(): void }[] = []

beforeAll(() => {
  // A self-signed certificate for 127.0.0.1, made by openssl for this run.
  const made = Bun.spawnSync([
    'openssl', 'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
    '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', keyFile, '-out', certFile,
  ], { stderr: 'pipe' })
  if (made.exitCode !== 0) throw new Error(`openssl failed: ${made.stderr.toString()}`)
})
afterAll(() => children.forEach((child) => child.kill()))

const chat = (url: string) =>
  fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    body: JSON.stringify({ model: 'x', messages: [{ role: 'user', content: 'over tls' }] }),
    tls: { ca: readFileSync(certFile, 'utf8') },
  })

describe('HTTPS', () => {
  test('enabled in the TOML alone', async () => {
    const gateway = await startGateway(`https_enabled = true\nssl_key_file = "${keyFile}"\nssl_cert_file = "${certFile}"\n[provider.m]\ntype = "mock"\n[[backend]]\nmodel = "m:echo"\n`)
    try {
      expect(gateway.url.startsWith('https://')).toBe(true)
      const answer = (await (await chat(gateway.url)).json()) as { choices: { message: { content: string } }[] }
      expect(answer.choices[0].message.content).toBe('mock: over tls')
    } finally {
      await gateway.stop()
    }
  })

  test('enabled by CLI flags, with the openai SDK trusting the test CA', async () => {
    const file = join(dir, 'plain.toml')
    writeFileSync(file, `[provider.m]\ntype = "mock"\n[[backend]]\nmodel = "m:echo"\n`)
    const server = await startCli(['--config', file, '--port', '0', '--https', '--ssl-key', keyFile, '--ssl-cert', certFile])
    children.push(server.child)
    expect(server.url.startsWith('https://127.0.0.1:')).toBe(true)
    const client = new OpenAI({
      baseURL: `${server.url}/v1`,
      apiKey: 'unused',
      maxRetries: 0,
      fetch: (input, init) => fetch(input, { ...init, tls: { ca: readFileSync(certFile, 'utf8') } }),
    })
    const answer = await client.chat.completions.create({ model: 'x', messages: [{ role: 'user', content: 'sdk over tls' }] })
    expect(answer.choices[0].message.content).toBe('mock: sdk over tls')
    // Plain HTTP to the TLS port does not get an answer.
    await expect(fetch(server.url.replace('https:', 'http:') + '/health')).rejects.toBeDefined()
  })

  test('--https without key files is refused with a clear message', async () => {
    const file = join(dir, 'plain2.toml')
    writeFileSync(file, `[provider.m]\ntype = "mock"\n[[backend]]\nmodel = "m:echo"\n`)
    const result = Bun.spawnSync([process.execPath, join(import.meta.dir, '../../bin/llmux.ts'), 'start', '-c', file, '--https'], { cwd: dir, env: { PATH: process.env.PATH ?? '', NO_COLOR: '1' } })
    expect(result.exitCode).toBe(1)
    expect(result.stderr.toString()).toContain('ssl_key_file')
  })
})

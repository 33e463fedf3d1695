import { describe, expect, test } from 'bun:test'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runCli } from '../helpers/run-cli.ts'

/**
 * `llmux route` (SPEC §2, §5) on the examples the README shows: examples/route.config.toml has four
 * backends that differ in vision, context and thinking; each request goes to a different one.
 */
const examples = join(import.meta.dir, '..', '..', 'examples')
const config = join(examples, 'route.config.toml')

/** The "skipped:" lines as backend id → reason. */
function skippedOf(stdout: string): Record<string, string> {
  const lines = stdout.split('\n')
  const start = lines.indexOf('skipped:')
  if (start === -1) return {}
  const pairs = lines.slice(start + 1).filter((line) => line.startsWith('  ')).map((line) => line.trim().split(/\s{2,}/) as [string, string])
  return Object.fromEntries(pairs)
}

describe('llmux route', () => {
  test('a vision request goes to the one vision backend; the others are skipped for "no vision"', async () => {
    const result = await runCli(['route', join(examples, 'route-vision.json'), '-c', config])
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('request: openai, model "gpt-4o"')
    expect(result.stdout).toContain('images: yes')
    expect(result.stdout).toContain('→ cloud:vision-128k\n')
    expect(skippedOf(result.stdout)).toEqual({ 'local:llama3.1-8b': 'no vision', 'cloud:long-1m': 'no vision', 'cloud:reasoner-200k': 'no vision' })
  })

  test('a Responses request is recognised and routed by the same needs (reasoning here)', async () => {
    const result = await runCli(['route', join(examples, 'route-responses.json'), '-c', config])
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('request: responses, model "gpt-5.5"')
    expect(result.stdout).toContain('images: no, thinking: yes')
    expect(result.stdout).toContain('→ cloud:reasoner-200k\n')
    expect(skippedOf(result.stdout)['local:llama3.1-8b']).toBe('no thinking')
  })

  test('a long request (>60k estimated tokens) skips the backends whose context is too small', async () => {
    // ~150k tokens: built here rather than kept in examples/ (it would be a 600 KB file).
    const file = join(mkdtempSync(join(tmpdir(), 'llmux-route-')), 'route-long.json')
    writeFileSync(file, JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: `Summarise this log:\n${'GET /index.html 200\n'.repeat(30_000)}` }] }))
    const result = await runCli(['route', file, '-c', config])
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/~15\d{4} tokens/)
    expect(result.stdout).toContain('traits: long')
    expect(result.stdout).toContain('→ cloud:long-1m (failover: cloud:reasoner-200k)\n')
    const skipped = skippedOf(result.stdout)
    expect(Object.keys(skipped)).toEqual(['local:llama3.1-8b', 'cloud:vision-128k'])
    expect(skipped['local:llama3.1-8b']).toMatch(/^context 32768 < estimated 15\d{4} tokens$/)
    expect(skipped['cloud:vision-128k']).toMatch(/^context 128000 < estimated 15\d{4} tokens$/)
  })

  test('a thinking request (Anthropic body) goes to the one thinking backend', async () => {
    const result = await runCli(['route', join(examples, 'route-thinking.json'), '-c', config])
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('request: anthropic, model "claude-sonnet-4-5"')
    expect(result.stdout).toContain('thinking: yes')
    expect(result.stdout).toContain('→ cloud:reasoner-200k\n')
    expect(skippedOf(result.stdout)).toEqual({ 'local:llama3.1-8b': 'no thinking', 'cloud:vision-128k': 'no thinking', 'cloud:long-1m': 'no thinking' })
  })

  test('a request no backend can serve exits 1 and says which need is unmet', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'llmux-route-')), 'vision-thinking.json')
    writeFileSync(
      file,
      JSON.stringify({
        model: 'claude-sonnet-4-5',
        max_tokens: 16000,
        thinking: { type: 'enabled', budget_tokens: 8000 },
        messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'url', url: 'https://example.com/cat.png' } }, { type: 'text', text: 'Think about this picture.' }] }],
      }),
    )
    const result = await runCli(['route', file, '-c', config])
    expect(result.code).toBe(1)
    expect(result.stdout).toContain('✗ no backend: no single backend meets every need of this request')
    expect(result.stdout).toContain('(400)')
  })
})

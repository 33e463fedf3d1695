/**
 * Records what Claude Code really sends, as fixtures for the translation tests:
 *   bun test/claude-code/capture.ts
 * writes test/fixtures/claude-code/<scenario>-<n>-<path>.request.json (secret headers redacted).
 */
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { type CapturedRequest, startAnthropicMock } from './anthropic-mock.ts'
import { TOOL_PROMPT, runClaude } from './run-claude.ts'

const fixturesDir = path.resolve(import.meta.dir, '../fixtures/claude-code')

const scenarios = [
  { name: 'say-hi', prompt: 'say hi' },
  { name: 'bash-tool', prompt: TOOL_PROMPT },
]

function fileName(scenario: string, index: number, request: CapturedRequest): string {
  const route = request.path.replace(/^\/v1\//, '').replaceAll('/', '-') || 'root'
  return `${scenario}-${String(index + 1).padStart(2, '0')}-${route}.request.json`
}

async function capture(name: string, prompt: string): Promise<void> {
  const mock = startAnthropicMock()
  try {
    const run = await runClaude(mock.url, prompt)
    console.log(`${name}: exit ${run.exitCode}, ${mock.captured.length} requests`)
    if (run.exitCode !== 0) console.log(run.stdout, run.stderr)
    for (const [index, request] of mock.captured.entries()) {
      const file = fileName(name, index, request)
      await writeFile(path.join(fixturesDir, file), `${JSON.stringify(request, null, 2)}\n`)
      console.log(`  ${request.method} ${request.path}${request.query} -> ${request.status}  ${file}`)
    }
    await writeFile(path.join(fixturesDir, `${name}.claude-output.json`), `${run.stdout.trim()}\n`)
  } finally {
    mock.stop()
  }
}

await mkdir(fixturesDir, { recursive: true })
for (const file of await readdir(fixturesDir)) {
  if (file.endsWith('.request.json') || file.endsWith('.claude-output.json')) await rm(path.join(fixturesDir, file))
}
for (const { name, prompt } of scenarios) await capture(name, prompt)

/**
 * Records what Codex CLI really sends, as fixtures for the Responses translation tests:
 *   node test/codex/install.mjs && npx bun test/codex/capture.ts
 * writes test/fixtures/codex/<scenario>-<nn>-<path>.request.json ({method, path, query, headers
 * (authorization redacted), body, response: the text answered}) and <scenario>.codex-output.jsonl
 * (what `codex exec --json` printed). Exits 1 when a scenario does not do what it should.
 */
import { existsSync, readFileSync } from 'node:fs'
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { type CapturedRequest, PATCH_FILE, PATCH_TEXT, SHELL_MARKER, type Scenario, startCaptureServer } from './capture-server.ts'
import { CODEX_VERSION } from './install.mjs'
import { type CodexOptions, type CodexRun, runCodex } from './run-codex.ts'

const fixturesDir = path.resolve(import.meta.dir, '../fixtures/codex')

interface Case {
  name: string
  scenario: Scenario
  prompt: string
  options?: CodexOptions
  check: (run: CodexRun, captured: CapturedRequest[]) => string | undefined
}

const exitedZero = (run: CodexRun) => (run.exitCode === 0 ? undefined : `codex exited ${run.exitCode}`)

const cases: Case[] = [
  { name: 'plain', scenario: 'plain', prompt: 'say hi', check: exitedZero },
  {
    name: 'shell',
    scenario: 'shell',
    prompt: `Run \`echo ${SHELL_MARKER}\` with your shell tool and tell me what it printed.`,
    check: (run) => exitedZero(run)
      ?? (run.stdout.includes(`"aggregated_output":"${SHELL_MARKER}\\n"`) ? undefined : 'shell output not seen in codex --json output'),
  },
  {
    name: 'apply-patch',
    scenario: 'apply-patch',
    prompt: `Create ${PATCH_FILE} containing "${PATCH_TEXT}" with apply_patch.`,
    check: (run) => {
      const file = path.join(run.workDir, PATCH_FILE)
      if (run.exitCode !== 0) return `codex exited ${run.exitCode}`
      if (!existsSync(file)) return `${PATCH_FILE} was not created`
      return readFileSync(file, 'utf8') === `${PATCH_TEXT}\n` ? undefined : `${PATCH_FILE} has the wrong content`
    },
  },
  {
    // With command-backed provider auth Codex also fetches the model catalog from the provider.
    name: 'catalog',
    scenario: 'plain',
    prompt: 'say hi',
    options: { auth: 'command' },
    check: (run, captured) => exitedZero(run)
      ?? (captured.some((r) => r.method === 'GET' && r.path === '/v1/models') ? undefined : 'no GET /v1/models'),
  },
]

function fileName(scenario: string, index: number, request: CapturedRequest): string {
  const route = request.path.replace(/^\/v1\//, '').replaceAll('/', '-') || 'root'
  return `${scenario}-${String(index + 1).padStart(2, '0')}-${route}.request.json`
}

async function capture(testCase: Case): Promise<boolean> {
  const server = startCaptureServer(testCase.scenario)
  let run: CodexRun | undefined
  try {
    run = await runCodex(server.url, testCase.prompt, testCase.options)
    const problem = testCase.check(run, server.captured)
    console.log(`${testCase.name}: exit ${run.exitCode}, ${server.captured.length} requests${problem ? `  FAILED: ${problem}` : ''}`)
    if (problem) console.log(run.stdout, run.stderr)
    for (const [index, request] of server.captured.entries()) {
      const file = fileName(testCase.name, index, request)
      const { method, path: route, query, headers, body, response } = request
      await writeFile(path.join(fixturesDir, file), `${JSON.stringify({ method, path: route, query, headers, body, response }, null, 2)}\n`)
      console.log(`  ${method} ${route}${query} -> ${request.status}  ${file}`)
    }
    await writeFile(path.join(fixturesDir, `${testCase.name}.codex-output.jsonl`), `${run.stdout.trim()}\n`)
    return !problem
  } finally {
    server.stop()
    if (run) await rm(run.workDir, { recursive: true, force: true })
  }
}

await mkdir(fixturesDir, { recursive: true })
for (const file of await readdir(fixturesDir)) {
  if (file.endsWith('.request.json') || file.endsWith('.codex-output.jsonl')) await rm(path.join(fixturesDir, file))
}
let ok = true
for (const testCase of cases) ok = (await capture(testCase)) && ok
console.log(ok ? `all scenarios passed (codex ${CODEX_VERSION})` : 'some scenarios failed')
process.exit(ok ? 0 : 1)

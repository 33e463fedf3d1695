import { afterEach, describe, expect, test } from 'bun:test'
import { mkdtempSync, renameSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseConfig } from '../../src/config/load-config.ts'
import type { RunningServer } from '../../src/server/start-server.ts'
import { reloadFromFile } from '../../src/server/reload.ts'
import { manualSse, openaiCompletion, openaiStreamChunks, startMockUpstream, type MockUpstream } from '../helpers/mock-upstream.ts'
import { runCli, startCli } from '../helpers/run-cli.ts'
import { startGateway } from '../helpers/start-gateway.ts'
import { watchedLogger } from '../helpers/start-rig.ts'

/** Hot reload (SPEC §13): new requests on the new config, requests in flight on the old, state carried over. */
const started: { stop(): Promise<void> }[] = []
afterEach(async () => {
  await Promise.all(started.splice(0).map((thing) => thing.stop()))
})

/** An upstream that answers with its own name, so each answer says which backend served it. */
function namedUpstream(name: string): MockUpstream {
  const upstream = startMockUpstream((request) => {
    if (request.body.stream === true) {
      const stream = manualSse()
      for (const chunk of openaiStreamChunks([`from-${name}`])) stream.push(chunk)
      stream.close()
      return stream.response
    }
    return Response.json(openaiCompletion(`from-${name}`))
  })
  started.push(upstream)
  return upstream
}

/** A config whose first backend is `first`; `shared` (max_per_hour = 3) comes first when given. */
function configText(backends: { name: string; url: string; toml?: string }[], top = ''): string {
  const tables = backends.map(
    ({ name, url, toml }) => `[provider.${name}]\ntype = "openai"\nbase_url = "${url}/v1"\napi_key = "sk-${name}"\n\n[[backend]]\nmodel = "${name}:m"\ncontext = 100000\n${toml ?? ''}\n`,
  )
  return `port = 0\nstore = "memory"\n${top}\n${tables.join('\n')}`
}

const parse = (text: string) => parseConfig(text, {})

async function ask(gateway: RunningServer, isStreaming = false): Promise<{ status: number; content: string }> {
  const response = await fetch(`${gateway.url}/v1/chat/completions`, {
    method: 'POST',
    body: JSON.stringify({ model: 'x', stream: isStreaming, messages: [{ role: 'user', content: 'hi' }] }),
  })
  if (isStreaming) {
    const text = await response.text()
    const ends = text.split('\n').filter((line) => line === 'data: [DONE]').length
    // One whole stream: its text and exactly one end.
    return { status: ends === 1 ? response.status : -1, content: /from-\w+/.exec(text)?.[0] ?? '' }
  }
  const json = (await response.json()) as { choices?: { message: { content: string } }[] }
  return { status: response.status, content: json.choices?.[0]?.message.content ?? '' }
}

async function start(text: string): Promise<{ gateway: RunningServer; logger: ReturnType<typeof watchedLogger> }> {
  const logger = watchedLogger()
  const gateway = await startGateway(text, { logger })
  started.push(gateway)
  return { gateway, logger }
}

describe('reload in process', () => {
  test('200 requests (half streamed) at c=16 across two reloads: each gets exactly one 200, new requests follow the new config', async () => {
    const a = namedUpstream('a')
    const b = namedUpstream('b')
    const configA = parse(configText([{ name: 'a', url: a.url }]))
    const configB = parse(configText([{ name: 'b', url: b.url }]))
    const { gateway } = await start(configText([{ name: 'a', url: a.url }]))
    const total = 200
    const answers: { status: number; content: string }[] = []
    let next = 0
    let inFlight = 0
    const inFlightAtReload: number[] = []
    const reload = (config: typeof configA) => {
      inFlightAtReload.push(inFlight)
      expect(gateway.reload(config).isReloaded).toBe(true)
    }
    const worker = async () => {
      while (next < total) {
        const isStreaming = next++ % 2 === 1
        inFlight++
        const answer = await ask(gateway, isStreaming)
        inFlight--
        answers.push(answer)
        // The two reloads happen with requests in flight on the other workers.
        if (answers.length === 60) reload(configB)
        if (answers.length === 130) reload(configA)
      }
    }
    await Promise.all(Array.from({ length: 16 }, worker))
    expect(inFlightAtReload).toHaveLength(2)
    expect(Math.min(...inFlightAtReload)).toBeGreaterThan(0)
    expect(answers).toHaveLength(total)
    expect(answers.every((answer) => answer.status === 200)).toBe(true)
    const fromA = answers.filter((answer) => answer.content === 'from-a').length
    const fromB = answers.filter((answer) => answer.content === 'from-b').length
    // Nothing lost, nothing doubled: every upstream hit is one answer.
    expect(fromA + fromB).toBe(total)
    expect(a.seen.length + b.seen.length).toBe(total)
    expect(fromA).toBe(a.seen.length)
    expect(fromB).toBeGreaterThan(0)
    // After the last reload (to A), new requests go to A only.
    const seenB = b.seen.length
    for (let i = 0; i < 5; i++) expect((await ask(gateway)).content).toBe('from-a')
    expect(b.seen.length).toBe(seenB)
  })

  test('a request in flight during a reload finishes on the old config', async () => {
    const gate = Promise.withResolvers<void>()
    const slow = startMockUpstream(async () => {
      await gate.promise
      return Response.json(openaiCompletion('from-old'))
    })
    started.push(slow)
    const b = namedUpstream('b')
    const { gateway } = await start(configText([{ name: 'old', url: slow.url }]))
    const inFlight = ask(gateway)
    // Wait until the old backend holds the request, then reload away from it.
    for (let i = 0; i < 200 && slow.seen.length === 0; i++) await Bun.sleep(5)
    expect(slow.seen).toHaveLength(1)
    expect(gateway.reload(parse(configText([{ name: 'b', url: b.url }]))).isReloaded).toBe(true)
    expect((await ask(gateway)).content).toBe('from-b')
    gate.resolve()
    expect(await inFlight).toEqual({ status: 200, content: 'from-old' })
  })

  test('a backend in both configs keeps its window count (max_per_hour) across the reload', async () => {
    const shared = namedUpstream('s')
    const a = namedUpstream('a')
    const b = namedUpstream('b')
    const limited = { name: 's', url: shared.url, toml: 'max_per_hour = 3' }
    const { gateway } = await start(configText([limited, { name: 'a', url: a.url }]))
    expect((await ask(gateway)).content).toBe('from-s')
    expect((await ask(gateway)).content).toBe('from-s')
    expect(gateway.reload(parse(configText([limited, { name: 'b', url: b.url }]))).isReloaded).toBe(true)
    // The window still holds the two requests before the reload: one more fits, then b takes over.
    expect((await ask(gateway)).content).toBe('from-s')
    expect((await ask(gateway)).content).toBe('from-b')
    expect(shared.seen).toHaveLength(3)
  })

  test('settings that need a restart are logged and keep their running values', async () => {
    const a = namedUpstream('a')
    const { gateway, logger } = await start(configText([{ name: 'a', url: a.url }]))
    const result = gateway.reload(parse(configText([{ name: 'a', url: a.url }]).replace('port = 0', 'port = 9').replace('store = "memory"', 'store = "other.db"')))
    expect(result).toEqual({ isReloaded: true, needsRestart: ['port', 'store'] })
    expect(logger.lines.filter((line) => /needs a restart/.test(line))).toHaveLength(2)
    expect(gateway.gateway.config.port).toBe(0)
    expect(gateway.gateway.config.store).toBe('memory')
    expect((await ask(gateway)).content).toBe('from-a')
  })

  test('a broken file changes nothing and its problems are logged by path, as llmux check prints them', async () => {
    const a = namedUpstream('a')
    const b = namedUpstream('b')
    const { gateway, logger } = await start(configText([{ name: 'a', url: a.url }]))
    const dir = mkdtempSync(join(tmpdir(), 'llmux-reload-'))
    const file = join(dir, 'config.toml')
    writeFileSync(file, configText([{ name: 'b', url: b.url }]).replace('port = 0', 'port = "eighty"'))
    const result = reloadFromFile(gateway, file, { env: {} })
    expect(result.isReloaded).toBe(false)
    const check = await runCli(['check', file])
    expect(check.code).toBe(1)
    const problems = check.stderr.replace(/^llmux: /, '').trim()
    expect(problems).toContain(`${file}: 1 problem\n  port:`)
    expect(logger.lines.some((line) => line.includes(problems))).toBe(true)
    expect((await ask(gateway)).content).toBe('from-a')
    expect(b.seen).toHaveLength(0)
  })
})

/** Polls the child's output for a line, within a deadline. */
async function waitForOutput(output: () => string, pattern: RegExp, afterIndex: number, timeoutMs = 10_000): Promise<void> {
  const deadline = performance.now() + timeoutMs
  while (!pattern.test(output().slice(afterIndex))) {
    if (performance.now() > deadline) throw new Error(`no ${pattern} within ${timeoutMs} ms:\n${output()}`)
    await Bun.sleep(20)
  }
}

describe('reload from the command line', () => {
  async function startChild(flags: string[]) {
    const a = namedUpstream('a')
    const b = namedUpstream('b')
    const dir = mkdtempSync(join(tmpdir(), 'llmux-reload-cli-'))
    const file = join(dir, 'config.toml')
    writeFileSync(file, configText([{ name: 'a', url: a.url }]))
    const child = await startCli(['--config', file, ...flags])
    started.push({ stop: async () => void (child.child.kill('SIGTERM'), await child.child.exited) })
    const gateway = { url: child.url } as RunningServer
    expect((await ask(gateway)).content).toBe('from-a')
    return { a, b, file, child, gateway }
  }

  test('SIGHUP reloads the file', async () => {
    const { b, file, child, gateway } = await startChild([])
    const mark = child.output().length
    writeFileSync(file, configText([{ name: 'b', url: b.url }]))
    process.kill(child.child.pid, 'SIGHUP')
    await waitForOutput(child.output, /config reloaded/, mark)
    expect((await ask(gateway)).content).toBe('from-b')
    // A broken file then: logged by path, the previous config keeps serving.
    const mark2 = child.output().length
    writeFileSync(file, configText([{ name: 'a', url: b.url }]).replace('port = 0', 'port = "eighty"'))
    process.kill(child.child.pid, 'SIGHUP')
    await waitForOutput(child.output, new RegExp(`config not reloaded.*${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: 1 problem`), mark2)
    expect(child.output().slice(mark2)).toContain('  port:')
    expect((await ask(gateway)).content).toBe('from-b')
    // And SIGTERM still drains and exits 0.
    child.child.kill('SIGTERM')
    expect(await child.child.exited).toBe(0)
  })

  test('--watch reloads the file when it changes', async () => {
    const { a, b, file, child, gateway } = await startChild(['--watch'])
    const mark = child.output().length
    writeFileSync(file, configText([{ name: 'b', url: b.url }]))
    await waitForOutput(child.output, /config reloaded/, mark)
    expect((await ask(gateway)).content).toBe('from-b')
    // An editor's save by rename (a new file moved over the old one) is seen too.
    const mark2 = child.output().length
    writeFileSync(`${file}.tmp`, configText([{ name: 'a', url: a.url }]))
    renameSync(`${file}.tmp`, file)
    await waitForOutput(child.output, /config reloaded/, mark2)
    expect((await ask(gateway)).content).toBe('from-a')
  })
})

import { afterEach } from 'bun:test'
import Anthropic from '@anthropic-ai/sdk'
import OpenAI from 'openai'
import type { Logger } from '../../src/logger.ts'
import type { RunningServer } from '../../src/server/start-server.ts'
import { startMockUpstream, type MockHandler, type MockUpstream } from './mock-upstream.ts'
import { startGateway } from './start-gateway.ts'

/**
 * Several mock upstreams (OpenAI type unless told), one backend each (`a:model-a`, `b:model-b`, … in config order),
 * and llmux in front, with a fake clock. For failover, routing and usage end-to-end tests.
 */
export interface RigBackend {
  /** How this backend's upstream answers; leave out and give `url` for an upstream llmux cannot reach. */
  handler?: MockHandler
  url?: string
  /** Extra lines for its [[backend]] table (context = 100000 unless they set one). */
  toml?: string
  /** The provider type (default "openai"); "responses" is an openai-type provider with `api = "responses"`. */
  type?: 'openai' | 'anthropic' | 'responses' | 'gemini'
}

export interface Rig {
  url: string
  gateway: RunningServer
  ids: string[]
  upstreams: (MockUpstream | undefined)[]
  logger: WatchedLogger
  /** The gateway's clock: move `clock.ms` to move time. */
  clock: { ms: number }
  /** Requests each upstream has seen, in config order. */
  hits(): number[]
  openai(apiKey?: string): OpenAI
  anthropic(apiKey?: string): Anthropic
  /** Stops the gateway and starts a new one from the same config (and store file, if any). */
  restart(): Promise<void>
  stop(): Promise<void>
}

export interface RigOptions {
  /** Top-level settings (before any table), e.g. `max_retries = 1`. */
  top?: string
  /** Tables after the backends, e.g. `[tokens]`. */
  tail?: string
  random?: () => number
  startMs?: number
}

export async function startRig(backends: RigBackend[], options: RigOptions = {}): Promise<Rig> {
  const upstreams = backends.map((backend) => (backend.handler ? startMockUpstream(backend.handler) : undefined))
  const letters = backends.map((_, index) => String.fromCharCode(97 + index))
  const ids = letters.map((letter) => `${letter}:model-${letter}`)
  const tables = backends.map((backend, index) => {
    const kind = backend.type ?? 'openai'
    const type = kind === 'responses' ? 'openai"\napi = "responses' : kind
    const url = (backend.url ?? upstreams[index]!.url) + (kind === 'anthropic' ? '' : kind === 'gemini' ? '/v1beta' : '/v1')
    const extra = backend.toml ?? ''
    const context = /^\s*context\s*=/m.test(extra) ? '' : 'context = 100000\n'
    return `[provider.${letters[index]}]\ntype = "${type}"\nbase_url = "${url}"\napi_key = "sk-${letters[index]}"\n\n[[backend]]\nmodel = "${ids[index]}"\n${context}${extra}\n`
  })
  const toml = `${options.top ?? ''}\n${tables.join('\n')}\n${options.tail ?? ''}\n`
  const clock = { ms: options.startMs ?? Date.now() }
  const logger = watchedLogger()
  const start = () => startGateway(toml, { now: () => clock.ms, random: options.random, logger, pingMs: 50 })
  let gateway = await start()
  const rig: Rig = {
    get url() {
      return gateway.url
    },
    get gateway() {
      return gateway
    },
    ids,
    upstreams,
    logger,
    clock,
    hits: () => upstreams.map((upstream) => upstream?.seen.length ?? 0),
    openai: (apiKey = 'unused') => new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey, maxRetries: 0 }),
    anthropic: (apiKey = 'unused') => new Anthropic({ baseURL: gateway.url, apiKey, maxRetries: 0 }),
    async restart() {
      await gateway.stop(1000)
      gateway = await start()
    },
    async stop() {
      await gateway.stop(1000)
      await Promise.all(upstreams.map((upstream) => upstream?.stop()))
    },
  }
  return rig
}

/** A URL where nothing listens: a server is started on a free port and stopped again. */
/** A `rig()` for a test file: every rig it starts is stopped after each test. */
export function rigsPerTest(): (backends: RigBackend[], options?: RigOptions) => Promise<Rig> {
  const rigs: Rig[] = []
  afterEach(async () => {
    await Promise.all(rigs.splice(0).map((rig) => rig.stop()))
  })
  return async (backends, options) => {
    const started = await startRig(backends, options)
    rigs.push(started)
    return started
  }
}

export async function refusedUrl(): Promise<string> {
  const server = Bun.serve({ hostname: '127.0.0.1', port: 0, fetch: () => new Response('') })
  const url = `http://127.0.0.1:${server.port}`
  await server.stop(true)
  return url
}

export interface WatchedLogger extends Logger {
  lines: string[]
  /** Resolves with the first line (logged already or later) that matches. */
  waitFor(pattern: RegExp): Promise<string>
}

export function watchedLogger(): WatchedLogger {
  const lines: string[] = []
  const waiters: { pattern: RegExp; resolve: (line: string) => void }[] = []
  const push = (line: string) => {
    lines.push(line)
    for (const waiter of [...waiters]) {
      if (!waiter.pattern.test(line)) continue
      waiters.splice(waiters.indexOf(waiter), 1)
      waiter.resolve(line)
    }
  }
  return {
    lines,
    isVerbose: false,
    isInfo: true,
    debug: push,
    info: push,
    warn: push,
    error: push,
    waitFor(pattern) {
      const found = lines.find((line) => pattern.test(line))
      return found !== undefined ? Promise.resolve(found) : new Promise((resolve) => waiters.push({ pattern, resolve }))
    },
  }
}

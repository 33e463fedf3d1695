import { afterAll, afterEach, beforeAll, describe, expect, test } from 'bun:test'
import { Database } from 'bun:sqlite'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { MemoryStore } from '../../src/store/memory-store.ts'
import { RedisStore } from '../../src/store/redis-store.ts'
import { SqliteStore } from '../../src/store/sqlite-store.ts'
import type { RequestRecord, Store } from '../../src/store/store.ts'
import { startRedis, type RunningRedis } from '../helpers/redis-server.ts'
import { runCli } from '../helpers/run-cli.ts'

/** One-hour cache writes (SPEC §8) are kept in every store and summed by `llmux stats`. */
const DAY = Date.UTC(2025, 2, 7)
const dirs: string[] = []

function dbPath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'llmux-1h-'))
  dirs.push(dir)
  return join(dir, 'llmux.db')
}

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

let redis: RunningRedis | undefined
beforeAll(async () => {
  redis = await startRedis()
})
afterAll(() => redis?.stop())

const record = (overrides: Partial<RequestRecord>): RequestRecord => ({
  timeMs: DAY,
  protocol: 'anthropic',
  requestedModel: 'claude-sonnet-4',
  backend: 'anthropic:claude-sonnet-4',
  attempts: 1,
  status: 200,
  inputTokens: 10,
  outputTokens: 5,
  totalMs: 40,
  isCutShort: false,
  ...overrides,
})

describe.each([
  ['memory', (): Store => new MemoryStore()],
  ['sqlite', (): Store => new SqliteStore(dbPath())],
  ['redis', (): Store => new RedisStore(redis!.url, { failure: 'closed', keyPrefix: 'llmux-test-1h:' })],
])('%s store', (_name, open) => {
  test('usage rows sum one-hour cache writes beside the total', async () => {
    const store = open()
    store.recordRequest(record({ cacheWriteTokens: 3000, cacheWrite1hTokens: 2000 }))
    store.recordRequest(record({ cacheWriteTokens: 500, cacheWrite1hTokens: 0 }))
    store.recordRequest(record({ cacheWriteTokens: 100 }))
    store.recordRequest(record({ backend: 'openai:gpt-4o' }))
    const rows = await store.usage({ sinceMs: 0, groupBy: 'backend' })
    expect(rows.map((row) => [row.key, row.cacheWriteTokens, row.cacheWrite1hTokens])).toEqual([
      ['anthropic:claude-sonnet-4', 3600, 2000],
      ['openai:gpt-4o', 0, 0],
    ])
    await store.close()
  })
})

/** The `requests` table as schema version 1 wrote it. */
const V1_REQUESTS = `CREATE TABLE requests (
  time_ms INTEGER NOT NULL, client TEXT, protocol TEXT NOT NULL, requested_model TEXT NOT NULL, backend TEXT,
  attempts INTEGER NOT NULL, status INTEGER NOT NULL, input_tokens INTEGER, output_tokens INTEGER,
  cache_read_tokens INTEGER, cache_write_tokens INTEGER, cost_usd REAL, total_ms REAL NOT NULL,
  first_byte_ms REAL, is_cut_short INTEGER NOT NULL
)`

describe('sqlite schema 1 → 2', () => {
  test('a v1 file opens, keeps its rows and gains cache_write_1h_tokens', async () => {
    const path = dbPath()
    const v1 = new Database(path, { create: true })
    v1.exec(V1_REQUESTS)
    v1.query(`INSERT INTO requests VALUES (${Array(15).fill('?').join(', ')})`).run(DAY, null, 'anthropic', 'm', 'a:m', 1, 200, 10, 5, 0, 700, 0.01, 30, 10, 0)
    v1.exec('PRAGMA user_version = 1')
    v1.close()

    const store = new SqliteStore(path)
    store.recordRequest(record({ backend: 'a:m', cacheWriteTokens: 300, cacheWrite1hTokens: 200 }))
    const [row] = await store.usage({ sinceMs: 0, groupBy: 'backend' })
    expect(row).toMatchObject({ key: 'a:m', requests: 2, cacheWriteTokens: 1000, cacheWrite1hTokens: 200 })
    await store.close()

    const db = new Database(path)
    const columns = db.query<{ name: string }, []>('PRAGMA table_info(requests)').all().map((column) => column.name)
    expect(columns).toContain('cache_write_1h_tokens')
    expect(db.query<{ user_version: number }, []>('PRAGMA user_version').get()?.user_version).toBe(2)
    db.close()
    // Opening it again (already v2) changes nothing.
    const again = new SqliteStore(path)
    expect((await again.usage({ sinceMs: 0, groupBy: 'backend' }))[0].requests).toBe(2)
    await again.close()
  })
})

describe('llmux stats', () => {
  test('shows a "cache write 1h" column, and cacheWrite1hTokens in --json', async () => {
    const path = dbPath()
    const store = new SqliteStore(path)
    store.recordRequest(record({ timeMs: Date.now() - 1000, cacheWriteTokens: 3000, cacheWrite1hTokens: 2000 }))
    await store.close()
    const config = join(path, '..', 'config.toml')
    await Bun.write(config, `store = "${path}"\n[provider.mock]\ntype = "mock"\n[[backend]]\nmodel = "mock:echo"\n`)
    const table = await runCli(['stats', '-c', config, '--by', 'backend'])
    expect(table.code).toBe(0)
    const [header, row] = table.stdout.split('\n').filter((line) => line.includes('cache write') || line.startsWith('anthropic:'))
    expect(header).toMatch(/cache write\s+cache write 1h\s+cost USD/)
    expect(row).toMatch(/\s3000\s+2000\s/)
    const json = JSON.parse((await runCli(['stats', '-c', config, '--by', 'backend', '--json'])).stdout)
    expect(json.backend[0]).toMatchObject({ cacheWriteTokens: 3000, cacheWrite1hTokens: 2000 })
  })
})

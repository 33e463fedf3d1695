import { afterEach, describe, expect, test } from 'bun:test'
import { Database } from 'bun:sqlite'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { MemoryStore } from '../../src/store/memory-store.ts'
import { openStore } from '../../src/store/open-store.ts'
import { RedisStore } from '../../src/store/redis-store.ts'
import { SqliteStore } from '../../src/store/sqlite-store.ts'

const NOW = Date.UTC(2025, 2, 7, 12)
const dirs: string[] = []

function dbPath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'llmux-sqlite-'))
  dirs.push(dir)
  return join(dir, 'llmux.db')
}

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

describe('sqlite store', () => {
  test('windows, cooldowns, client requests and spend survive a reopen', async () => {
    const path = dbPath()
    const first = new SqliteStore(path)
    for (let i = 0; i < 3; i++) await first.reserveAttempt('a:x', { maxPerMinute: 10 }, NOW + i)
    await first.setCooldown('a:x', NOW + 60_000)
    for (let i = 0; i < 5; i++) await first.reserveClientRequest('team', { maxPerHour: 5 }, NOW + i)
    await first.settleSpend('team', 1.25, NOW)
    await first.settleSpend('team', 0.5, NOW + 1)
    await first.flush()

    const second = new SqliteStore(path)
    expect(second.routing.attempts.get('a:x')).toEqual([NOW, NOW + 1, NOW + 2])
    expect(second.routing.cooldowns.get('a:x')).toBe(NOW + 60_000)
    expect(await second.reserveClientRequest('team', { maxPerHour: 5 }, NOW + 10)).toMatchObject({ isAdmitted: false })
    expect(second.spendOf('team', NOW)).toEqual({ dayUsd: 1.75, monthUsd: 1.75 })
    await second.close()
    await first.close()
  })

  test('writes are batched: another reader sees them after the flush, not before', async () => {
    const path = dbPath()
    const store = new SqliteStore(path, { flushDelayMs: 60_000 })
    await store.reserveAttempt('a:x', { maxPerDay: 10 }, NOW)
    const reader = new Database(path, { readonly: true })
    const count = () => reader.query<{ count: number }, []>('SELECT COUNT(*) AS count FROM attempts').get()?.count
    expect(count()).toBe(0)
    await store.flush()
    expect(count()).toBe(1)
    reader.close()
    await store.close()
  })

  test('stored attempts are trimmed to what the windows can need', async () => {
    const path = dbPath()
    const store = new SqliteStore(path)
    for (let i = 0; i < 1000; i++) await store.reserveAttempt('a:x', { maxPerMinute: 5 }, NOW + i * 60_000)
    await store.close()
    const reopened = new SqliteStore(path)
    const times = reopened.routing.attempts.get('a:x') ?? []
    expect(times.length).toBeLessThanOrEqual(2 * 5 + 8)
    expect(times.at(-1)).toBe(NOW + 999 * 60_000)
    await reopened.close()
  })

  test('everything recorded survives kill -9, even before any batch reached SQLite (the journal)', async () => {
    const path = dbPath()
    const child = Bun.spawn([process.execPath, join(import.meta.dir, 'write-and-linger.ts'), path, String(NOW)], {
      stdout: 'pipe',
      stderr: 'inherit',
    })
    const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader()
    let output = ''
    while (!output.includes('recorded')) {
      const { value, done } = await reader.read()
      if (done) throw new Error(`child ended early: ${output}`)
      output += value
    }
    child.kill('SIGKILL')
    await child.exited

    const store = new SqliteStore(path)
    expect(store.routing.attempts.get('a:x')).toEqual([NOW, NOW + 1, NOW + 2, NOW + 3, NOW + 4])
    expect(store.routing.cooldowns.get('a:x')).toBe(NOW + 60_000)
    expect(store.spendOf('team', NOW)).toEqual({ dayUsd: 0.5, monthUsd: 0.5 })
    const rows = await store.usage({ sinceMs: 0, groupBy: 'backend' })
    expect(rows.map((row) => [row.key, row.requests])).toEqual([['-', 1]])
    await store.close()
    // Replayed once: a second open finds the same, not twice as much.
    const again = new SqliteStore(path)
    expect(again.routing.attempts.get('a:x')).toHaveLength(5)
    expect(again.spendOf('team', NOW)).toEqual({ dayUsd: 0.5, monthUsd: 0.5 })
    await again.close()
  })

  test('a crash between a batch and the journal being cleared never applies a change twice', async () => {
    const path = dbPath()
    const first = new SqliteStore(path, { flushDelayMs: 3_600_000 })
    await first.reserveAttempt('a:x', { maxPerHour: 100 }, NOW)
    await first.settleSpend('team', 0.25, NOW)
    const journal = await Bun.file(`${path}.journal`).text()
    await first.flush()
    // As if the process died right after the commit: the journal still holds the committed lines.
    await Bun.write(`${path}.journal`, journal)
    const second = new SqliteStore(path)
    expect(second.routing.attempts.get('a:x')).toEqual([NOW])
    expect(second.spendOf('team', NOW)).toEqual({ dayUsd: 0.25, monthUsd: 0.25 })
    await second.close()
    await first.close()
  })

  test('a file from a newer schema is refused', () => {
    const path = dbPath()
    const db = new Database(path, { create: true })
    db.exec('PRAGMA user_version = 99')
    db.close()
    expect(() => new SqliteStore(path)).toThrow(/newer llmux/)
  })
})

describe('openStore', () => {
  test('"memory", a redis:// URL, or a file path', async () => {
    expect(openStore('memory')).toBeInstanceOf(MemoryStore)
    const sqlite = openStore(dbPath())
    expect(sqlite).toBeInstanceOf(SqliteStore)
    await sqlite.close()
    const redis = openStore('redis://127.0.0.1:1/0', { failure: 'open', log: { warn: () => {}, info: () => {} } })
    expect(redis).toBeInstanceOf(RedisStore)
    await redis.close()
  })
})

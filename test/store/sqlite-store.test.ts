import { afterEach, describe, expect, test } from 'bun:test'
import { Database } from 'bun:sqlite'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { MemoryStore } from '../../src/store/memory-store.ts'
import { openStore } from '../../src/store/open-store.ts'
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
    for (let i = 0; i < 3; i++) first.recordAttempt('a:x', NOW + i, { maxPerMinute: 10 })
    first.setCooldown('a:x', NOW + 60_000)
    first.recordClientRequest('team', NOW, { maxPerHour: 5 })
    first.addSpend('team', 1.25, NOW)
    first.addSpend('team', 0.5, NOW + 1)
    await first.flush()

    const second = new SqliteStore(path)
    expect(second.routing.attempts.get('a:x')).toEqual([NOW, NOW + 1, NOW + 2])
    expect(second.routing.cooldowns.get('a:x')).toBe(NOW + 60_000)
    expect(second.clientRequests('team')).toEqual([NOW])
    expect(second.spendOf('team', NOW)).toEqual({ dayUsd: 1.75, monthUsd: 1.75 })
    await second.close()
    await first.close()
  })

  test('writes are batched: another reader sees them after the flush, not before', async () => {
    const path = dbPath()
    const store = new SqliteStore(path, { flushDelayMs: 60_000 })
    store.recordAttempt('a:x', NOW, { maxPerDay: 10 })
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
    for (let i = 0; i < 1000; i++) store.recordAttempt('a:x', NOW + i, { maxPerMinute: 5 })
    await store.close()
    const reopened = new SqliteStore(path)
    const times = reopened.routing.attempts.get('a:x') ?? []
    expect(times.length).toBeLessThanOrEqual(2 * 5 + 8)
    expect(times.at(-1)).toBe(NOW + 999)
    await reopened.close()
  })

  test('state written by the flush timer survives kill -9', async () => {
    const path = dbPath()
    const child = Bun.spawn([process.execPath, join(import.meta.dir, 'write-and-linger.ts'), path, String(NOW)], {
      stdout: 'pipe',
      stderr: 'inherit',
    })
    const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader()
    let output = ''
    while (!output.includes('written')) {
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
  test('"memory", a file path, or redis (not yet)', async () => {
    expect(openStore('memory')).toBeInstanceOf(MemoryStore)
    const sqlite = openStore(dbPath())
    expect(sqlite).toBeInstanceOf(SqliteStore)
    await sqlite.close()
    expect(() => openStore('redis://127.0.0.1:6379')).toThrow('redis store is not built yet')
    expect(() => openStore('rediss://cache.example:6380')).toThrow('redis store is not built yet')
  })
})

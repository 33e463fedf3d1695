// Child process for the kill -9 test: records state without calling flush, waits until the store's own
// timer has written it (seen through a second connection), says so, then lingers until killed.
import { Database } from 'bun:sqlite'
import { SqliteStore } from '../../src/store/sqlite-store.ts'

const [path, nowText] = process.argv.slice(2)
const now = Number(nowText)
const store = new SqliteStore(path)
for (let i = 0; i < 5; i++) await store.reserveAttempt('a:x', { maxPerHour: 100 }, now + i)
await store.setCooldown('a:x', now + 60_000)
await store.settleSpend('team', 0.5, now)
store.recordRequest({ timeMs: now, protocol: 'openai', requestedModel: 'm', attempts: 1, status: 200, totalMs: 5, isCutShort: false })

const reader = new Database(path, { readonly: true })
setInterval(() => {
  const row = reader.query<{ count: number }, []>('SELECT COUNT(*) AS count FROM requests').get()
  if (row?.count === 1) console.log('written')
}, 5)

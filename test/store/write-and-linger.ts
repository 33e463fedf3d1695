// Child process for the kill -9 test: records state with a flush timer that never fires (an hour), says
// so, then lingers until killed. Everything it recorded must be found by the next open (the journal).
import { SqliteStore } from '../../src/store/sqlite-store.ts'

const [path, nowText] = process.argv.slice(2)
const now = Number(nowText)
const store = new SqliteStore(path, { flushDelayMs: 3_600_000 })
for (let i = 0; i < 5; i++) await store.reserveAttempt('a:x', { maxPerHour: 100 }, now + i)
await store.setCooldown('a:x', now + 60_000)
await store.settleSpend('team', 0.5, now)
store.recordRequest({ timeMs: now, protocol: 'openai', requestedModel: 'm', attempts: 1, status: 200, totalMs: 5, isCutShort: false })
console.log('recorded')
setInterval(() => {}, 1000)

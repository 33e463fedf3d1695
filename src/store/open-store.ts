import { MemoryStore } from './memory-store.ts'
import { SqliteStore } from './sqlite-store.ts'
import type { Store } from './store.ts'

/** The store a config's `store` names: "memory", a redis:// URL (not yet), or a SQLite file path. */
export function openStore(spec: string): Store {
  if (spec === 'memory') return new MemoryStore()
  if (/^rediss?:\/\//i.test(spec)) throw new Error('redis store is not built yet: use a SQLite file or "memory" for `store`')
  return new SqliteStore(spec)
}

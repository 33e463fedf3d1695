import type { Logger } from '../logger.ts'
import { MemoryStore } from './memory-store.ts'
import { RedisStore } from './redis-store.ts'
import { isRedisUrl } from './redis-url.ts'
import { SqliteStore } from './sqlite-store.ts'
import type { Store } from './store.ts'

export interface OpenStoreOptions {
  /** store_failure, for a redis store (SPEC §12). */
  failure?: 'open' | 'closed'
  log?: Pick<Logger, 'warn' | 'info'>
}

/** The store a config's `store` names: "memory", a redis:// or rediss:// URL, or a SQLite file path. */
export function openStore(spec: string, options: OpenStoreOptions = {}): Store {
  if (spec === 'memory') return new MemoryStore()
  if (isRedisUrl(spec)) return new RedisStore(spec, { failure: options.failure ?? 'open', log: options.log })
  return new SqliteStore(spec)
}

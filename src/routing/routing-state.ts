import type { Cooldowns } from './cooldowns.ts'

/**
 * What routing reads about backends, synchronously, on every request. The store owns it and keeps it
 * current; the router only reads.
 */
export interface RoutingState {
  /** Backend id → ascending times (ms) of attempts sent to it (see rate-window.ts). */
  attempts: ReadonlyMap<string, readonly number[]>
  cooldowns: Cooldowns
}

export const NO_ATTEMPTS: readonly number[] = []

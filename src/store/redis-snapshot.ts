import type { RedisKeys } from './redis-keys.ts'
import type { SendCommand } from './redis-scripts.ts'
import type { SpendTotals } from './spend-totals.ts'
import type { StateMirror } from './state-mirror.ts'
import type { TimeLog } from './time-log.ts'

const SPEND_KEY = /^(.*):((?:day:\d{4}-\d{2}-\d{2})|(?:month:\d{4}-\d{2}))$/

/**
 * Fills the local snapshot from Redis at (re)connection: every backend's and client's kept times,
 * cooldowns and spend totals. The sets are trimmed to their largest window, so this stays small.
 */
export async function loadSnapshot(send: SendCommand, keys: RedisKeys, mirror: StateMirror, spend: SpendTotals): Promise<void> {
  const times = async (log: TimeLog, kind: string) => {
    const found = await scan(send, `${keys.prefix}${kind}:*`)
    const replies = await Promise.all(found.map((key) => send('ZRANGE', [key, '0', '-1', 'WITHSCORES'])))
    found.forEach((key, i) => mergeTimes(log, key.slice(keys.prefix.length + kind.length + 1), scoresOf(replies[i]), Infinity))
  }
  await Promise.all([
    times(mirror.attempts, 'attempts'),
    times(mirror.clientRequests, 'client'),
    values(send, `${keys.prefix}cooldown:*`, (key, value) => {
      mirror.setCooldown(key.slice(keys.prefix.length + 'cooldown:'.length), Number(value))
    }),
    values(send, `${keys.prefix}spend:*`, (key, value) => {
      const match = SPEND_KEY.exec(key.slice(keys.prefix.length + 'spend:'.length))
      if (match !== null) spend.load(match[1], match[2], Number(value))
    }),
  ])
}

/**
 * Adds the stored times this instance does not hold yet (both ascending; equal times count as the same
 * one as often as they appear on both sides). Times only this instance holds stay: they were sent.
 */
export function mergeTimes(log: TimeLog, key: string, stored: readonly number[], keep: number): void {
  const local = log.of(key)
  const missing: number[] = []
  let i = 0
  for (const time of stored) {
    while (i < local.length && local[i] < time) i++
    if (i < local.length && local[i] === time) i++
    else missing.push(time)
  }
  for (const time of missing) log.record(key, time, keep)
}

/** Scores from ZRANGE … WITHSCORES: RESP3 pairs [member, score], or a flat list from a script. */
export function scoresOf(reply: unknown): number[] {
  if (!Array.isArray(reply)) return []
  if (reply.every(Array.isArray)) return reply.map((pair: unknown[]) => Number(pair[1]))
  const scores: number[] = []
  for (let i = 1; i < reply.length; i += 2) scores.push(Number(reply[i]))
  return scores
}

async function scan(send: SendCommand, pattern: string): Promise<string[]> {
  const keys: string[] = []
  let cursor = '0'
  do {
    const reply = await send('SCAN', [cursor, 'MATCH', pattern, 'COUNT', '1000'])
    if (!Array.isArray(reply) || reply.length < 2 || !Array.isArray(reply[1])) throw new Error('unexpected SCAN reply')
    cursor = String(reply[0])
    for (const key of reply[1]) keys.push(String(key))
  } while (cursor !== '0')
  return [...new Set(keys)]
}

async function values(send: SendCommand, pattern: string, use: (key: string, value: string) => void): Promise<void> {
  const found = await scan(send, pattern)
  for (let start = 0; start < found.length; start += 500) {
    const batch = found.slice(start, start + 500)
    const reply = await send('MGET', batch)
    if (!Array.isArray(reply)) throw new Error('unexpected MGET reply')
    batch.forEach((key, i) => {
      if (typeof reply[i] === 'string') use(key, reply[i])
    })
  }
}

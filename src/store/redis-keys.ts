import { dayPeriod, monthPeriod } from './spend-ledger.ts'

/**
 * Where the Redis store keeps things, under one prefix ("llmux:" unless configured):
 * attempts:<backend> and client:<name> sorted sets of times, cooldown:<backend> deadlines,
 * spend:<client>:day:YYYY-MM-DD and spend:<client>:month:YYYY-MM totals, affinity:<session> backends,
 * answer:<hash> cached answers,
 * and the requests stream.
 */
export class RedisKeys {
  readonly requests: string

  constructor(readonly prefix: string) {
    this.requests = `${prefix}requests`
  }

  attempts = (backendId: string) => `${this.prefix}attempts:${backendId}`
  cooldown = (backendId: string) => `${this.prefix}cooldown:${backendId}`
  client = (name: string) => `${this.prefix}client:${name}`
  spendDay = (client: string, nowMs: number) => `${this.prefix}spend:${client}:${dayPeriod(nowMs)}`
  spendMonth = (client: string, nowMs: number) => `${this.prefix}spend:${client}:${monthPeriod(nowMs)}`
  affinity = (session: string) => `${this.prefix}affinity:${session}`
  answer = (key: string) => `${this.prefix}answer:${key}`
}

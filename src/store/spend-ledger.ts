import type { Spend } from './store.ts'

/**
 * Client spend per UTC calendar day and month (SPEC §8 budgets). Periods are keys such as
 * "day:2025-03-07" and "month:2025-03"; only each client's current day and month are held in memory.
 */
export function dayPeriod(nowMs: number): string {
  return `day:${new Date(nowMs).toISOString().slice(0, 10)}`
}

export function monthPeriod(nowMs: number): string {
  return `month:${new Date(nowMs).toISOString().slice(0, 7)}`
}

/** The start of the next UTC day: when a daily budget resets. */
export function nextUtcDayMs(nowMs: number): number {
  const date = new Date(nowMs)
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate() + 1)
}

/** The start of the next UTC month: when a monthly budget resets. */
export function nextUtcMonthMs(nowMs: number): number {
  const date = new Date(nowMs)
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1)
}

interface ClientSpend {
  day: string
  dayUsd: number
  month: string
  monthUsd: number
}

export class SpendLedger {
  private readonly clients = new Map<string, ClientSpend>()

  of(client: string, nowMs: number): Spend {
    const spend = this.clients.get(client)
    if (spend === undefined) return { dayUsd: 0, monthUsd: 0 }
    return {
      dayUsd: spend.day === dayPeriod(nowMs) ? spend.dayUsd : 0,
      monthUsd: spend.month === monthPeriod(nowMs) ? spend.monthUsd : 0,
    }
  }

  /** Adds to the current day and month; returns the two periods charged. */
  add(client: string, costUsd: number, nowMs: number): [day: string, month: string] {
    const day = dayPeriod(nowMs)
    const month = monthPeriod(nowMs)
    const spend = this.clients.get(client) ?? { day, dayUsd: 0, month, monthUsd: 0 }
    if (spend.day !== day) Object.assign(spend, { day, dayUsd: 0 })
    if (spend.month !== month) Object.assign(spend, { month, monthUsd: 0 })
    spend.dayUsd += costUsd
    spend.monthUsd += costUsd
    this.clients.set(client, spend)
    return [day, month]
  }

  /** A stored total; the newest day and month of each client win. */
  load(client: string, period: string, usd: number): void {
    const spend = this.clients.get(client) ?? { day: '', dayUsd: 0, month: '', monthUsd: 0 }
    if (period.startsWith('day:') && period > spend.day) Object.assign(spend, { day: period, dayUsd: usd })
    if (period.startsWith('month:') && period > spend.month) Object.assign(spend, { month: period, monthUsd: usd })
    this.clients.set(client, spend)
  }
}

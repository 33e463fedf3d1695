import { dayPeriod, monthPeriod } from './spend-ledger.ts'
import type { Spend } from './store.ts'

interface ClientTotals {
  day: string
  dayUsd: number
  month: string
  monthUsd: number
}

/**
 * Each client's spend in its current UTC day and month as a shared store last reported it (totals
 * replace what was known) or as this instance added it while the store was away. The SpendLedger only
 * adds; a shared store's totals include other instances' spend, so they are set.
 */
export class SpendTotals {
  private readonly clients = new Map<string, ClientTotals>()

  of(client: string, nowMs: number): Spend {
    const totals = this.clients.get(client)
    if (totals === undefined) return { dayUsd: 0, monthUsd: 0 }
    return {
      dayUsd: totals.day === dayPeriod(nowMs) ? totals.dayUsd : 0,
      monthUsd: totals.month === monthPeriod(nowMs) ? totals.monthUsd : 0,
    }
  }

  set(client: string, nowMs: number, dayUsd: number, monthUsd: number): void {
    this.clients.set(client, { day: dayPeriod(nowMs), dayUsd, month: monthPeriod(nowMs), monthUsd })
  }

  add(client: string, costUsd: number, nowMs: number): void {
    const { dayUsd, monthUsd } = this.of(client, nowMs)
    this.set(client, nowMs, dayUsd + costUsd, monthUsd + costUsd)
  }

  /** One stored total ("day:YYYY-MM-DD" or "month:YYYY-MM"); the newest day and month of each client win. */
  load(client: string, period: string, usd: number): void {
    const totals = this.clients.get(client) ?? { day: '', dayUsd: 0, month: '', monthUsd: 0 }
    if (period.startsWith('day:') && period >= totals.day) Object.assign(totals, { day: period, dayUsd: usd })
    if (period.startsWith('month:') && period >= totals.month) Object.assign(totals, { month: period, monthUsd: usd })
    this.clients.set(client, totals)
  }
}

/** A Prometheus histogram with fixed buckets (seconds), keyed by a pre-rendered label string. */
export class Histogram {
  private readonly series = new Map<string, { counts: number[]; sum: number; count: number }>()

  constructor(readonly buckets: readonly number[]) {}

  observe(labels: string, value: number): void {
    let entry = this.series.get(labels)
    if (!entry) this.series.set(labels, (entry = { counts: new Array(this.buckets.length).fill(0), sum: 0, count: 0 }))
    for (let i = 0; i < this.buckets.length; i++) if (value <= this.buckets[i]) entry.counts[i]++
    entry.sum += value
    entry.count++
  }

  render(name: string, help: string): string {
    const lines = [`# HELP ${name} ${help}`, `# TYPE ${name} histogram`]
    for (const [labels, entry] of this.series) {
      const sep = labels ? ',' : ''
      this.buckets.forEach((bound, i) => lines.push(`${name}_bucket{${labels}${sep}le="${bound}"} ${entry.counts[i]}`))
      lines.push(`${name}_bucket{${labels}${sep}le="+Inf"} ${entry.count}`)
      lines.push(`${name}_sum${labels ? `{${labels}}` : ''} ${entry.sum}`)
      lines.push(`${name}_count${labels ? `{${labels}}` : ''} ${entry.count}`)
    }
    return lines.join('\n')
  }
}

/** Counters keyed by a pre-rendered label string. */
export class Counter {
  private readonly series = new Map<string, number>()

  add(labels: string, value = 1): void {
    this.series.set(labels, (this.series.get(labels) ?? 0) + value)
  }

  render(name: string, help: string): string {
    const lines = [`# HELP ${name} ${help}`, `# TYPE ${name} counter`]
    for (const [labels, value] of this.series) lines.push(`${name}${labels ? `{${labels}}` : ''} ${value}`)
    return lines.join('\n')
  }
}

/** `key="value"` pairs with Prometheus escaping. */
export function labelsOf(pairs: Record<string, string>): string {
  return Object.entries(pairs)
    .map(([key, value]) => `${key}="${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`)
    .join(',')
}

import { expect } from 'bun:test'

/** One Prometheus sample: `name{labels} value`. */
export interface Sample {
  name: string
  labels: Record<string, string>
  value: number
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g

/** Parses Prometheus text; every line that is not blank or a comment must be a sample with a numeric value. */
export function parseMetrics(text: string): Sample[] {
  const samples: Sample[] = []
  for (const line of text.split('\n')) {
    if (line.trim() === '' || line.startsWith('#')) continue
    const match = SAMPLE.exec(line)
    expect(match, `not a Prometheus sample: ${line}`).not.toBeNull()
    const [, name, labelText = '', valueText] = match!
    const value = valueText === '+Inf' ? Infinity : valueText === '-Inf' ? -Infinity : Number(valueText)
    expect(Number.isNaN(value), `not a number in: ${line}`).toBe(false)
    const labels: Record<string, string> = {}
    for (const [, key, raw] of labelText.matchAll(LABEL)) labels[key] = raw.replace(/\\(.)/g, (_, char: string) => (char === 'n' ? '\n' : char))
    samples.push({ name, labels, value })
  }
  return samples
}

/** The sum of the samples with this name whose labels include these; undefined when there are none. */
export function valueOf(samples: Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  const matching = samples.filter((sample) => sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value))
  return matching.length === 0 ? undefined : matching.reduce((sum, sample) => sum + sample.value, 0)
}

import { describe, expect, test } from 'bun:test'
import type { LoadRun } from './load-matrix.ts'
import { median, percentile } from './stats.ts'
import { summariseLoad } from './summarise.ts'
import { parseWrkResult, type WrkResult } from './wrk.ts'

const wrkLine =
  'Running 1s test\nBENCH_RESULT {"requests":2000,"duration_us":2000000,"bytes":1,"errors":{"connect":0,"read":1,"write":0,"status":2,"timeout":0},' +
  '"p50_us":150,"p90_us":200,"p99_us":900,"max_us":5000,"mean_us":160.5}\n'

describe('parseWrkResult', () => {
  test('reads the done() line into milliseconds and requests per second', () => {
    const result = parseWrkResult(wrkLine, 12)
    expect(result.requestsPerS).toBe(1000)
    expect(result.p50Ms).toBe(0.15)
    expect(result.p99Ms).toBe(0.9)
    expect(result.errorCount).toBe(3)
    expect(result.cpuMs).toBe(12)
  })

  test('says so when wrk printed no result', () => {
    expect(() => parseWrkResult('wrk: connection refused')).toThrow('no BENCH_RESULT')
  })
})

describe('stats', () => {
  test('percentile is nearest-rank and median averages the middle pair', () => {
    expect(percentile([5, 1, 4, 2, 3], 50)).toBe(3)
    expect(percentile([1, 2, 3, 4], 99)).toBe(4)
    expect(median([4, 1, 3, 2])).toBe(2.5)
    expect(Number.isNaN(median([]))).toBe(true)
  })
})

const result = (requestsPerS: number, p50Ms: number, p99Ms: number): WrkResult => ({
  requests: requestsPerS,
  durationS: 1,
  requestsPerS,
  p50Ms,
  p90Ms: p50Ms,
  p99Ms,
  maxMs: p99Ms,
  errors: { connect: 0, read: 0, write: 0, status: 0, timeout: 0 },
  errorCount: 0,
  cpuMs: 100,
})

const run = (target: LoadRun['target'], round: number, wrk: WrkResult): LoadRun => ({
  scenario: 'openai',
  concurrency: 1,
  target,
  round,
  result: wrk,
  cpuMs: wrk.requests / 10,
  mockCpuMs: 0,
  otherCpuMs: 0,
  peakRssMb: 50 + round,
})

describe('summariseLoad', () => {
  const cells = summariseLoad([
    run('direct', 0, result(20_000, 0.05, 0.2)),
    run('forwarder', 0, result(10_000, 0.15, 0.5)),
    run('llmux', 0, result(8_000, 0.25, 1.0)),
    run('llmux', 1, result(9_000, 0.21, 1.4)),
    run('llmux', 2, result(7_000, 0.23, 1.2)),
  ])
  const llmux = cells.find((cell) => cell.target === 'llmux')

  test('takes medians over rounds and subtracts direct', () => {
    expect(llmux?.requestsPerS).toBe(8_000)
    expect(llmux?.addedP50Ms).toBeCloseTo(0.18, 10)
    expect(llmux?.addedP99Ms).toBeCloseTo(1.0, 10)
  })

  test('compares throughput with the forwarder and prices CPU per request', () => {
    expect(llmux?.ratioToForwarder).toBeCloseTo(0.8, 10)
    expect(llmux?.cpuUsPerRequest).toBeCloseTo(100, 10)
  })

  test('keeps the largest resident set of any round', () => {
    expect(llmux?.peakRssMb).toBe(52)
  })
})

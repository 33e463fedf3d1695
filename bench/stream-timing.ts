/**
 * Time to first byte and to first token on streams, one request at a time, targets interleaved.
 * The mock is asked to hold the rest of each stream for HOLD_MS after the first token, so a gateway
 * that waits for more than the first event before flushing shows a first token later than HOLD_MS.
 */
import { FIRST_TOKEN } from './mock-payloads.ts'
import { targetRequest, type Scenario, type Target, type TargetName } from './scenarios.ts'

export interface StreamTiming {
  /** From sending the request to the first body bytes. */
  ttfbMs: number
  /** From sending the request to the bytes that hold the first token. */
  firstTokenMs: number
  totalMs: number
}

export type StreamTimings = Partial<Record<TargetName, StreamTiming[]>>

async function timeOneStream(target: Target, scenario: Scenario): Promise<StreamTiming> {
  const request = targetRequest(target.name, scenario, 'bench-hold')
  const startedAt = performance.now()
  const response = await fetch(target.baseUrl + request.path, { method: 'POST', headers: request.headers, body: request.body })
  if (!response.ok || response.body === null) throw new Error(`${target.name} answered ${response.status}: ${await response.text()}`)
  const decoder = new TextDecoder()
  let ttfbMs: number | undefined
  let firstTokenMs: number | undefined
  let seen = ''
  for await (const bytes of response.body) {
    const now = performance.now() - startedAt
    ttfbMs ??= now
    if (firstTokenMs === undefined) {
      seen += decoder.decode(bytes, { stream: true })
      if (seen.includes(FIRST_TOKEN)) firstTokenMs = now
    }
  }
  const totalMs = performance.now() - startedAt
  if (ttfbMs === undefined || firstTokenMs === undefined) throw new Error(`${target.name}: stream ended without ${FIRST_TOKEN}`)
  return { ttfbMs, firstTokenMs, totalMs }
}

const WARMUP_REQUESTS = 5

/** `count` streams per target for one scenario, rotating which target goes first. */
export async function measureStreamTimings(targets: Target[], scenario: Scenario, count: number): Promise<StreamTimings> {
  const timings: StreamTimings = {}
  for (const target of targets) for (let index = 0; index < WARMUP_REQUESTS; index++) await timeOneStream(target, scenario)
  for (let index = 0; index < count; index++) {
    for (let offset = 0; offset < targets.length; offset++) {
      const target = targets[(index + offset) % targets.length]
      const timing = await timeOneStream(target, scenario)
      ;(timings[target.name] ??= []).push(timing)
    }
  }
  return timings
}

import type { ProviderConfig } from '../config/config.ts'
import { mockResponse } from '../providers/mock.ts'
import type { AttemptSignal } from './attempt-timers.ts'

export interface UpstreamRequest {
  url: string
  headers: Record<string, string>
  body: string
}

export type CallResult =
  | { kind: 'response'; response: Response }
  | { kind: 'timeout' }
  | { kind: 'connection'; message: string }
  | { kind: 'client_gone' }

/** Sends one request upstream (the mock provider answers in process). Never throws. */
export async function callBackend(
  provider: ProviderConfig,
  request: UpstreamRequest,
  attempt: AttemptSignal,
  nowMs: number,
): Promise<CallResult> {
  if (provider.type === 'mock') return { kind: 'response', response: mockResponse(request.body, nowMs) }
  try {
    const response = await fetch(request.url, {
      method: 'POST',
      headers: request.headers,
      body: request.body,
      signal: attempt.signal,
      // Upstream redirects are not followed: an API that redirects is misconfigured.
      redirect: 'manual',
    })
    return { kind: 'response', response }
  } catch (error) {
    if (attempt.isClientGone()) return { kind: 'client_gone' }
    if (attempt.isTimedOut()) return { kind: 'timeout' }
    return { kind: 'connection', message: connectionMessage(error) }
  }
}

/** A short reason without the URL (which may carry a key in its query, as Gemini's can). */
function connectionMessage(error: unknown): string {
  const code = (error as { code?: unknown })?.code
  if (typeof code === 'string') return `connection failed (${code})`
  return 'connection failed'
}

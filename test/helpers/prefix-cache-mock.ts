import { openaiCompletion, type MockHandler, type SeenRequest } from './mock-upstream.ts'

/**
 * An OpenAI-compatible upstream that models a provider's prompt cache, as real providers do: it reports
 * as cached the longest prefix of this prompt that it has seen before (in any earlier request to it),
 * rounded down to whole 4-character "tokens". The prompt is the request's tools, then its messages, in
 * the order providers read them. Nothing expires: a real cache forgets after minutes, which only makes
 * a spread-out session cost more than here.
 */
export interface PrefixCache {
  handler: MockHandler
  /** Per request: [prompt tokens, cached tokens]. */
  reports: [prompt: number, cached: number][]
}

export function prefixCacheMock(): PrefixCache {
  const seen: string[] = []
  const reports: [number, number][] = []
  const handler: MockHandler = (request: SeenRequest) => {
    const prompt = JSON.stringify([request.body.tools ?? null, request.body.messages])
    const cachedChars = seen.reduce((best, earlier) => Math.max(best, commonPrefix(earlier, prompt)), 0)
    seen.push(prompt)
    const promptTokens = Math.ceil(prompt.length / 4)
    const cachedTokens = Math.floor(cachedChars / 4)
    reports.push([promptTokens, cachedTokens])
    const usage = { prompt_tokens: promptTokens, completion_tokens: 5, total_tokens: promptTokens + 5, prompt_tokens_details: { cached_tokens: cachedTokens } }
    return Response.json(openaiCompletion(`turn answer ${reports.length}`, { usage }))
  }
  return { handler, reports }
}

function commonPrefix(a: string, b: string): number {
  const length = Math.min(a.length, b.length)
  let i = 0
  while (i < length && a.charCodeAt(i) === b.charCodeAt(i)) i++
  return i
}

/**
 * What one answer of the soak was, judged as its client would (the same rules as
 * test/e2e/fault-soak.test.ts): a complete answer, one error in the caller's protocol, or malformed.
 * A complete answer must also carry the mock's first and last token, so an answer that lost its tail
 * and still ended cleanly counts as malformed.
 */
import type { ClientApi } from './scenarios.ts'

export type Verdict = 'answer' | 'error' | 'malformed'

const FIRST_TOKEN = 'tok0'
const LAST_TOKEN = 'upstream.'

const hasTokens = (text: string) => text.includes(FIRST_TOKEN) && text.includes(LAST_TOKEN)

export function judge(client: ClientApi, isStream: boolean, status: number, text: string): Verdict {
  if (!isStream || status !== 200) return judgeJson(client, status, text)
  if (client === 'responses') return judgeResponsesStream(text)
  return judgeChatOrMessagesStream(client, text)
}

function judgeJson(client: ClientApi, status: number, text: string): Verdict {
  let body: Record<string, unknown>
  try {
    body = JSON.parse(text) as Record<string, unknown>
  } catch {
    return 'malformed'
  }
  if (body === null || typeof body !== 'object') return 'malformed'
  if (status !== 200) {
    const isError = client === 'anthropic' ? body.type === 'error' && typeof body.error === 'object' : typeof body.error === 'object' && body.error !== null
    return isError ? 'error' : 'malformed'
  }
  const isAnswer =
    client === 'anthropic' ? body.type === 'message' : client === 'responses' ? body.object === 'response' && body.status === 'completed' : Array.isArray(body.choices)
  return isAnswer && hasTokens(text) ? 'answer' : 'malformed'
}

const eventsOf = (text: string) => text.split('\n\n').filter((event) => event.trim() !== '')
const dataOf = (event: string) => event.split('\n').find((line) => line.startsWith('data: '))?.slice(6) ?? ''

/** OpenAI Chat Completions and Anthropic Messages streams: every event JSON, exactly one terminal event, last. */
function judgeChatOrMessagesStream(client: ClientApi, text: string): Verdict {
  const events = eventsOf(text)
  for (const event of events) {
    const data = dataOf(event)
    if (data === '[DONE]') continue
    try {
      JSON.parse(data)
    } catch {
      return 'malformed'
    }
  }
  const last = events.at(-1) ?? ''
  if (client === 'anthropic') {
    const terminals = events.filter((event) => event.startsWith('event: message_stop') || event.startsWith('event: error'))
    if (terminals.length !== 1 || terminals[0] !== last) return 'malformed'
    if (last.startsWith('event: error')) return 'error'
    return hasTokens(text) ? 'answer' : 'malformed'
  }
  const terminals = events.filter((event) => dataOf(event) === '[DONE]' || dataOf(event).startsWith('{"error"'))
  if (terminals.length !== 1 || terminals[0] !== last) return 'malformed'
  if (dataOf(last) !== '[DONE]') return 'error'
  return hasTokens(text) ? 'answer' : 'malformed'
}

/** Responses streams: `response.created` first, exactly one terminal event, last. */
function judgeResponsesStream(text: string): Verdict {
  const types: string[] = []
  for (const event of eventsOf(text)) {
    try {
      types.push((JSON.parse(dataOf(event)) as { type: string }).type)
    } catch {
      return 'malformed'
    }
  }
  const terminals = types.filter((type) => type === 'response.completed' || type === 'response.failed' || type === 'response.incomplete')
  if (types[0] !== 'response.created' || terminals.length !== 1 || terminals[0] !== types.at(-1)) return 'malformed'
  if (terminals[0] === 'response.failed') return 'error'
  return terminals[0] === 'response.completed' && hasTokens(text) ? 'answer' : 'malformed'
}

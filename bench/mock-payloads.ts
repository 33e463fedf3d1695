/**
 * Everything the mock upstream sends, serialised once at start so that answering costs only a write.
 * The first content token is `tok0`: clients time "first token" by looking for it.
 */
export const FIRST_TOKEN = 'tok0'

const CREATED_S = 1_700_000_000
const MODEL = 'bench-model'
const ID = 'chatcmpl-bench'
const WORDS = [FIRST_TOKEN, ' Hello', ' from', ' the', ' llmux', ' bench', ' mock', ' upstream.']
const USAGE = { prompt_tokens: 180, completion_tokens: WORDS.length, total_tokens: 180 + WORDS.length }

const encoder = new TextEncoder()
const sse = (value: unknown) => `data: ${JSON.stringify(value)}\n\n`
const chunk = (delta: Record<string, unknown>, finishReason: string | null) =>
  sse({
    id: ID,
    object: 'chat.completion.chunk',
    created: CREATED_S,
    model: MODEL,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
  })

const completion = {
  id: ID,
  object: 'chat.completion',
  created: CREATED_S,
  model: MODEL,
  choices: [
    { index: 0, message: { role: 'assistant', content: WORDS.join(''), refusal: null }, logprobs: null, finish_reason: 'stop' },
  ],
  usage: USAGE,
}

/** The opening of every stream: the role chunk and the first token. */
const streamHead = chunk({ role: 'assistant', content: '' }, null) + chunk({ content: WORDS[0] }, null)
/** The rest: the other tokens, the finish chunk, the usage chunk and [DONE]. */
const streamTail =
  WORDS.slice(1).map((word) => chunk({ content: word }, null)).join('') +
  chunk({}, 'stop') +
  sse({ id: ID, object: 'chat.completion.chunk', created: CREATED_S, model: MODEL, choices: [], usage: USAGE }) +
  'data: [DONE]\n\n'

export const payloads = {
  completionBytes: encoder.encode(JSON.stringify(completion)),
  streamBytes: encoder.encode(streamHead + streamTail),
  streamHeadBytes: encoder.encode(streamHead),
  streamTailBytes: encoder.encode(streamTail),
  pingBytes: encoder.encode(': ping\n\n'),
  notFoundBytes: encoder.encode(JSON.stringify({ error: { message: 'not found', type: 'invalid_request_error', param: null, code: null } })),
}

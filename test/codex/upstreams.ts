/**
 * Scripted upstreams for test/codex/codex.test.ts, one per backend protocol (Chat Completions, Anthropic
 * Messages, Responses). Each picks its answer from a scenario tag in Codex's prompt and, once the last turn
 * carries a tool result, answers that scenario's final text. Every answer is streamed, as Codex asks.
 */
import { anthropicEvents, sseResponse, type SeenRequest } from '../helpers/mock-upstream.ts'
import { responsesHttpAnswer, responsesInput } from '../helpers/responses-mock.ts'
import { DROP_HEADER } from './dropping-upstream.ts'

export type BackendKind = 'chat' | 'anthropic' | 'responses'
export type Scenario = 'plain' | 'shell' | 'patch' | 'cut'

/** A tag in the prompt that tells the upstream which scenario it plays (Codex's own prompt never holds one). */
export const tagOf = (scenario: Scenario) => `[llmux-e2e:${scenario}]`

export const SHELL_COMMAND = 'echo llmux-shell-ok'
export const SHELL_MARKER = 'llmux-shell-ok'
export const PATCH_FILE = 'hello.txt'
export const PATCH_CONTENT = 'hello from llmux\n'
export const PATCH = `*** Begin Patch\n*** Add File: ${PATCH_FILE}\n+hello from llmux\n*** End Patch\n`

export const PLAIN_TEXT = 'Hello from the llmux mock upstream.'
export const SHELL_FINAL = 'The shell round trip is done.'
export const PATCH_FINAL = 'The patch round trip is done.'
/** What a cut stream sends before the connection closes, in two deltas. */
export const CUT_DELTAS = ['Half of an answer ', 'that never ends']
export const AFTER_CUT_TEXT = 'The answer after the cut.'

/** The call id each upstream gives its tool call; it must come back with the result. */
export const CALL_ID: Record<BackendKind, string> = { chat: 'call_llmux_e2e_1', anthropic: 'toolu_llmux_e2e_1', responses: 'call_llmux_e2e_1' }

export type Step = { kind: 'text'; text: string } | { kind: 'shell' } | { kind: 'patch' } | { kind: 'cut' }

export function scenarioOf(request: SeenRequest): Scenario | undefined {
  return (['plain', 'shell', 'patch', 'cut'] as const).find((scenario) => request.bodyText.includes(tagOf(scenario)))
}

const FINAL_TEXT: Record<Scenario, string> = { plain: PLAIN_TEXT, shell: SHELL_FINAL, patch: PATCH_FINAL, cut: AFTER_CUT_TEXT }

/**
 * What to answer: a tool result in the last turn gets the final text; otherwise the scenario's move
 * (the `cut` scenario cuts only its first request, so Codex's retry gets a normal answer).
 */
export function stepFor(scenario: Scenario | undefined, hasToolResult: boolean, isFirstOfScenario: boolean): Step {
  if (scenario === undefined) return { kind: 'text', text: 'no scenario tag in this request' }
  if (hasToolResult) return { kind: 'text', text: FINAL_TEXT[scenario] }
  if (scenario === 'shell') return { kind: 'shell' }
  if (scenario === 'patch') return { kind: 'patch' }
  if (scenario === 'cut' && isFirstOfScenario) return { kind: 'cut' }
  return { kind: 'text', text: FINAL_TEXT[scenario] }
}

const textOf = (content: unknown): string => {
  if (typeof content === 'string') return content
  if (!Array.isArray(content)) return ''
  return content.map((part: { text?: unknown }) => (typeof part.text === 'string' ? part.text : '')).join('')
}

/** The tool result in the last turn of a request, by protocol: the call id it answers and its text. */
export function toolResultOf(kind: BackendKind, body: Record<string, unknown>): { callId: string; text: string } | undefined {
  if (kind === 'chat') {
    const last = (body.messages as { role: string; tool_call_id?: string; content: unknown }[] | undefined)?.at(-1)
    return last?.role === 'tool' ? { callId: String(last.tool_call_id), text: textOf(last.content) } : undefined
  }
  if (kind === 'anthropic') {
    const last = (body.messages as { role: string; content: unknown }[] | undefined)?.at(-1)
    const blocks = Array.isArray(last?.content) ? (last.content as { type: string; tool_use_id?: string; content?: unknown }[]) : []
    const result = blocks.find((block) => block.type === 'tool_result')
    return result ? { callId: String(result.tool_use_id), text: textOf(result.content) } : undefined
  }
  const last = responsesInput(body).at(-1)
  if (last?.type !== 'function_call_output' && last?.type !== 'custom_tool_call_output') return undefined
  return { callId: String(last.call_id), text: textOf(last.output) }
}

/** The names of the tools a request offers, in any protocol's shape (function.name or name). */
export function offeredTools(body: Record<string, unknown>): string[] {
  const tools = (body.tools ?? []) as { name?: string; function?: { name?: string } }[]
  return tools.map((tool) => tool.function?.name ?? tool.name ?? '')
}

/** A handler for one backend kind; it counts requests per scenario so a cut happens only on the first. */
export function upstreamHandler(kind: BackendKind): (request: SeenRequest) => Response {
  const seenScenarios = new Map<Scenario, number>()
  return (request) => {
    const scenario = scenarioOf(request)
    const count = scenario === undefined ? 0 : (seenScenarios.get(scenario) ?? 0)
    if (scenario !== undefined) seenScenarios.set(scenario, count + 1)
    const step = stepFor(scenario, toolResultOf(kind, request.body) !== undefined, count === 0)
    if (kind === 'chat') return chatAnswer(step)
    if (kind === 'anthropic') return anthropicAnswer(step)
    return responsesAnswer(step, request.body)
  }
}

function splitEvery(text: string, size: number): string[] {
  const parts: string[] = []
  for (let at = 0; at < text.length; at += size) parts.push(text.slice(at, at + size))
  return parts
}

/**
 * A stream that stops before its end (no finish reason, no `[DONE]` / `message_stop`). Served by
 * startMockUpstream the body just ends; served by startDroppingUpstream the connection drops mid-body.
 */
export function cutResponse(chunks: string[]): Response {
  return new Response(chunks.join(''), { headers: { 'content-type': 'text/event-stream', [DROP_HEADER]: 'drop' } })
}

const chatChunk = (delta: Record<string, unknown>, finish: string | null = null) =>
  `data: ${JSON.stringify({ id: 'chatcmpl-llmux-e2e', object: 'chat.completion.chunk', created: 1760000000, model: 'gpt-upstream', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`

function chatAnswer(step: Step): Response {
  const usage = { prompt_tokens: 900, completion_tokens: 12, total_tokens: 912, prompt_tokens_details: { cached_tokens: 512 } }
  const usageChunk = `data: ${JSON.stringify({ id: 'chatcmpl-llmux-e2e', object: 'chat.completion.chunk', created: 1760000000, model: 'gpt-upstream', choices: [], usage })}\n\n`
  if (step.kind === 'cut') return cutResponse([chatChunk({ role: 'assistant', content: '' }), ...CUT_DELTAS.map((text) => chatChunk({ content: text }))])
  if (step.kind === 'text') {
    const body = [chatChunk({ role: 'assistant', content: '' }), ...splitEvery(step.text, 6).map((text) => chatChunk({ content: text }))]
    return sseResponse([...body, chatChunk({}, 'stop'), usageChunk, 'data: [DONE]\n\n'])
  }
  const [name, args] = step.kind === 'shell' ? ['exec_command', { cmd: SHELL_COMMAND }] : ['apply_patch', { input: PATCH }]
  const body = [
    chatChunk({ role: 'assistant', content: null, tool_calls: [{ index: 0, id: CALL_ID.chat, type: 'function', function: { name, arguments: '' } }] }),
    ...splitEvery(JSON.stringify(args), 9).map((part) => chatChunk({ tool_calls: [{ index: 0, function: { arguments: part } }] })),
  ]
  return sseResponse([...body, chatChunk({}, 'tool_calls'), usageChunk, 'data: [DONE]\n\n'])
}

function anthropicAnswer(step: Step): Response {
  const usage = { input_tokens: 900, output_tokens: 1, cache_read_input_tokens: 512, cache_creation_input_tokens: 0 }
  const start: [string, Record<string, unknown>] = ['message_start', {
    type: 'message_start',
    message: { id: 'msg_llmux_e2e', type: 'message', role: 'assistant', model: 'claude-upstream', content: [], stop_reason: null, stop_sequence: null, usage },
  }]
  const textBlock = (parts: string[]): [string, Record<string, unknown>][] => [
    ['content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }],
    ...parts.map((text): [string, Record<string, unknown>] => ['content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } }]),
  ]
  const end = (stopReason: string): [string, Record<string, unknown>][] => [
    ['content_block_stop', { type: 'content_block_stop', index: 0 }],
    ['message_delta', { type: 'message_delta', delta: { stop_reason: stopReason, stop_sequence: null }, usage: { output_tokens: 12 } }],
    ['message_stop', { type: 'message_stop' }],
  ]
  if (step.kind === 'cut') return cutResponse(anthropicEvents([start, ...textBlock(CUT_DELTAS)]))
  if (step.kind === 'text') return sseResponse(anthropicEvents([start, ...textBlock(splitEvery(step.text, 6)), ...end('end_turn')]))
  const [name, input] = step.kind === 'shell' ? ['exec_command', { cmd: SHELL_COMMAND }] : ['apply_patch', { input: PATCH }]
  return sseResponse(anthropicEvents([
    start,
    ['content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'tool_use', id: CALL_ID.anthropic, name, input: {} } }],
    ...splitEvery(JSON.stringify(input), 9).map((partial_json): [string, Record<string, unknown>] => ['content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json } }]),
    ...end('tool_use'),
  ]))
}

function responsesAnswer(step: Step, request: Record<string, unknown>): Response {
  const options = { request, stream: request.stream === true }
  const usage = { input_tokens: 900, cached_tokens: 512, output_tokens: 12 }
  if (step.kind === 'text') return responsesHttpAnswer({ text: step.text, usage }, options)
  if (step.kind === 'shell') {
    return responsesHttpAnswer({ functionCall: { callId: CALL_ID.responses, name: 'exec_command', arguments: JSON.stringify({ cmd: SHELL_COMMAND }) }, usage }, options)
  }
  if (step.kind === 'patch') return responsesHttpAnswer({ customToolCall: { callId: CALL_ID.responses, name: 'apply_patch', input: PATCH }, usage }, options)
  throw new Error('the cut scenario is played by the chat upstream only')
}

/**
 * The four kinds of traffic the bench drives, and how each target is asked for them.
 * Direct requests carry the same body as the others (the mock reads only the stream flag), so the
 * direct figure is the cost of the mock plus the load tool, which the other targets pay too.
 */
export type TargetName = 'direct' | 'forwarder' | 'llmux'
export type ScenarioName = 'openai' | 'openai-stream' | 'anthropic' | 'anthropic-stream'

/** A server the load goes to; for `direct` it is the mock itself. */
export interface Target {
  name: TargetName
  baseUrl: string
  pid: number
}

export interface Scenario {
  name: ScenarioName
  label: string
  isStreaming: boolean
  /** Anthropic in, OpenAI upstream: llmux translates both ways. */
  isTranslated: boolean
}

export interface TargetRequest {
  path: string
  headers: Record<string, string>
  body: string
}

export const SCENARIOS: Scenario[] = [
  { name: 'openai', label: 'OpenAI passthrough', isStreaming: false, isTranslated: false },
  { name: 'openai-stream', label: 'OpenAI passthrough, streamed', isStreaming: true, isTranslated: false },
  { name: 'anthropic', label: 'Anthropic→OpenAI', isStreaming: false, isTranslated: true },
  { name: 'anthropic-stream', label: 'Anthropic→OpenAI, streamed', isStreaming: true, isTranslated: true },
]

const SYSTEM_PROMPT =
  'You are a concise assistant inside a benchmark. Answer in one short sentence. ' +
  'Prefer plain words, no lists, no code unless asked. '.repeat(4)

const WEATHER_TOOL_SCHEMA = {
  type: 'object',
  properties: { city: { type: 'string', description: 'City name' }, unit: { type: 'string', enum: ['c', 'f'] } },
  required: ['city'],
}

/** `marker` lands in the last user turn: `bench-hold` or `bench-slow` pick the mock's stream mode. */
function openaiBody(isStreaming: boolean, marker: string): Record<string, unknown> {
  return {
    model: 'bench-model',
    max_tokens: 256,
    stream: isStreaming,
    ...(isStreaming ? { stream_options: { include_usage: true } } : {}),
    messages: [
      { role: 'system', content: SYSTEM_PROMPT },
      { role: 'user', content: 'What is the weather like in Lisbon today?' },
      { role: 'assistant', content: 'I can look that up for you if you tell me which unit you prefer.' },
      { role: 'user', content: `Celsius, please. ${marker}`.trim() },
    ],
    tools: [{ type: 'function', function: { name: 'get_weather', description: 'Current weather', parameters: WEATHER_TOOL_SCHEMA } }],
  }
}

function anthropicBody(isStreaming: boolean, marker: string): Record<string, unknown> {
  return {
    model: 'bench-model',
    max_tokens: 256,
    stream: isStreaming,
    system: SYSTEM_PROMPT,
    messages: [
      { role: 'user', content: 'What is the weather like in Lisbon today?' },
      { role: 'assistant', content: [{ type: 'text', text: 'I can look that up for you if you tell me which unit you prefer.' }] },
      { role: 'user', content: [{ type: 'text', text: `Celsius, please. ${marker}`.trim() }] },
    ],
    tools: [{ name: 'get_weather', description: 'Current weather', input_schema: WEATHER_TOOL_SCHEMA }],
  }
}

const OPENAI_HEADERS = { 'content-type': 'application/json', authorization: 'Bearer bench' }
const ANTHROPIC_HEADERS = { 'content-type': 'application/json', 'x-api-key': 'bench', 'anthropic-version': '2023-06-01' }

/** What to send to `target` for `scenario`; `marker` chooses the mock's stream mode (empty: prompt). */
export function targetRequest(target: TargetName, scenario: Scenario, marker = ''): TargetRequest {
  const isAnthropic = scenario.isTranslated
  const body = JSON.stringify(isAnthropic ? anthropicBody(scenario.isStreaming, marker) : openaiBody(scenario.isStreaming, marker))
  const path = isAnthropic && target !== 'direct' ? '/v1/messages' : '/v1/chat/completions'
  return { path, headers: isAnthropic ? ANTHROPIC_HEADERS : OPENAI_HEADERS, body }
}

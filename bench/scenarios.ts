/**
 * The six kinds of traffic the bench drives, and how each target is asked for them.
 * Direct requests carry the same body as the others (the mock reads only the stream flag), so the
 * direct figure is the cost of the mock plus the load tool, which the other targets pay too.
 */
export type TargetName = 'direct' | 'forwarder' | 'llmux'
export type ScenarioName = 'openai' | 'openai-stream' | 'anthropic' | 'anthropic-stream' | 'responses' | 'responses-stream'
/** The API the client speaks; the upstream is always OpenAI Chat Completions. */
export type ClientApi = 'openai' | 'anthropic' | 'responses'

/** A server the load goes to; for `direct` it is the mock itself. */
export interface Target {
  name: TargetName
  baseUrl: string
  pid: number
}

export interface Scenario {
  name: ScenarioName
  label: string
  client: ClientApi
  isStreaming: boolean
  /** Anthropic or Responses in, OpenAI Chat upstream: llmux translates both ways. */
  isTranslated: boolean
}

export interface TargetRequest {
  path: string
  headers: Record<string, string>
  body: string
}

export const SCENARIOS: Scenario[] = [
  { name: 'openai', label: 'OpenAI passthrough', client: 'openai', isStreaming: false, isTranslated: false },
  { name: 'openai-stream', label: 'OpenAI passthrough, streamed', client: 'openai', isStreaming: true, isTranslated: false },
  { name: 'anthropic', label: 'Anthropic→OpenAI', client: 'anthropic', isStreaming: false, isTranslated: true },
  { name: 'anthropic-stream', label: 'Anthropic→OpenAI, streamed', client: 'anthropic', isStreaming: true, isTranslated: true },
  { name: 'responses', label: 'Responses→OpenAI', client: 'responses', isStreaming: false, isTranslated: true },
  { name: 'responses-stream', label: 'Responses→OpenAI, streamed', client: 'responses', isStreaming: true, isTranslated: true },
]

/** The streamed scenarios whose slow streams make the open-streams memory figure: half OpenAI, half Anthropic. */
export const SLOW_STREAM_SCENARIOS = SCENARIOS.filter((scenario) => scenario.isStreaming && scenario.client !== 'responses')

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

/** The same conversation as a Responses API request, `store: false` as Codex sends it. */
function responsesBody(isStreaming: boolean, marker: string): Record<string, unknown> {
  return {
    model: 'bench-model',
    max_output_tokens: 256,
    stream: isStreaming,
    store: false,
    instructions: SYSTEM_PROMPT,
    input: [
      { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'What is the weather like in Lisbon today?' }] },
      { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'I can look that up for you if you tell me which unit you prefer.' }] },
      { type: 'message', role: 'user', content: [{ type: 'input_text', text: `Celsius, please. ${marker}`.trim() }] },
    ],
    tools: [{ type: 'function', name: 'get_weather', description: 'Current weather', parameters: WEATHER_TOOL_SCHEMA, strict: false }],
  }
}

const BODIES = { openai: openaiBody, anthropic: anthropicBody, responses: responsesBody }
/** Where llmux (and the forwarder, which forwards every path alike) takes each client API. */
const PATHS = { openai: '/v1/chat/completions', anthropic: '/v1/messages', responses: '/v1/responses' }

const OPENAI_HEADERS = { 'content-type': 'application/json', authorization: 'Bearer bench' }
const ANTHROPIC_HEADERS = { 'content-type': 'application/json', 'x-api-key': 'bench', 'anthropic-version': '2023-06-01' }

/** What to send to `target` for `scenario`; `marker` chooses the mock's stream mode (empty: prompt). */
export function targetRequest(target: TargetName, scenario: Scenario, marker = ''): TargetRequest {
  const body = JSON.stringify(BODIES[scenario.client](scenario.isStreaming, marker))
  const path = target === 'direct' ? PATHS.openai : PATHS[scenario.client]
  return { path, headers: scenario.client === 'anthropic' ? ANTHROPIC_HEADERS : OPENAI_HEADERS, body }
}

/**
 * The Responses API shapes llmux writes (https://platform.openai.com/docs/api-reference/responses;
 * checked against openai/resources/responses/responses.d.ts, v6). Decoders read `unknown` and narrow it
 * field by field; these types describe what encoders produce. Type aliases (not interfaces) so they fit
 * the Protocol's Record<string, unknown> returns.
 */

export type ResponsesInputContent =
  | { type: 'input_text'; text: string }
  | { type: 'input_image'; image_url: string; detail: 'auto' }
  | { type: 'output_text'; text: string }

export type ResponsesFunctionCall = {
  type: 'function_call'
  id?: string
  call_id: string
  name: string
  namespace?: string
  arguments: string
  status?: 'in_progress' | 'completed' | 'incomplete'
}

export type ResponsesCustomToolCall = {
  type: 'custom_tool_call'
  id?: string
  call_id: string
  name: string
  namespace?: string
  input: string
  status?: 'in_progress' | 'completed' | 'incomplete'
}

export type ResponsesReasoning = {
  type: 'reasoning'
  id: string
  summary: { type: 'summary_text'; text: string }[]
  encrypted_content?: string
  status?: 'in_progress' | 'completed' | 'incomplete'
}

export type ResponsesToolOutput = string | ({ type: 'input_text'; text: string } | { type: 'input_image'; image_url: string; detail: 'auto' })[]

export type ResponsesInputItem =
  | { type: 'message'; role: 'user' | 'assistant' | 'system' | 'developer'; content: ResponsesInputContent[] }
  | ResponsesFunctionCall
  | ResponsesCustomToolCall
  | ResponsesReasoning
  | { type: 'function_call_output'; call_id: string; output: ResponsesToolOutput }
  | { type: 'custom_tool_call_output'; call_id: string; output: ResponsesToolOutput }

export type ResponsesFunctionTool = {
  type: 'function'
  name: string
  description?: string
  parameters: Record<string, unknown>
  strict: boolean
}

export type ResponsesCustomTool = { type: 'custom'; name: string; description?: string; format?: Record<string, unknown> }

export type ResponsesTool =
  | ResponsesFunctionTool
  | ResponsesCustomTool
  | { type: 'namespace'; name: string; description: string; tools: (ResponsesFunctionTool | ResponsesCustomTool)[] }

export type ResponsesToolChoice =
  | 'auto'
  | 'none'
  | 'required'
  | { type: 'function'; name: string }
  | { type: 'custom'; name: string }

export type ResponsesTextFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | { type: 'json_schema'; name: string; schema: Record<string, unknown>; strict?: boolean; description?: string }

export type ResponsesRequest = {
  model: string
  input: ResponsesInputItem[]
  instructions?: string
  store: false
  stream?: true
  include?: string[]
  tools?: ResponsesTool[]
  tool_choice?: ResponsesToolChoice
  parallel_tool_calls?: boolean
  max_output_tokens?: number
  temperature?: number
  top_p?: number
  reasoning?: { effort?: string; summary?: string }
  text?: { format?: ResponsesTextFormat; verbosity?: string }
  prompt_cache_key?: string
  user?: string
}

export type ResponsesOutputMessage = {
  id: string
  type: 'message'
  role: 'assistant'
  status: 'in_progress' | 'completed' | 'incomplete'
  content: { type: 'output_text'; text: string; annotations: [] }[]
}

export type ResponsesOutputItem = ResponsesOutputMessage | Required<Pick<ResponsesFunctionCall, 'id' | 'status'>> & ResponsesFunctionCall
  | Required<Pick<ResponsesCustomToolCall, 'id' | 'status'>> & ResponsesCustomToolCall
  | ResponsesReasoning
  | ResponsesCompaction

/** A compacted conversation (SPEC §7.2): only its author can read `encrypted_content`. */
export interface ResponsesCompaction {
  type: 'compaction'
  id: string
  encrypted_content: string
}

export type ResponsesUsage = {
  input_tokens: number
  input_tokens_details: { cached_tokens: number; cache_write_tokens: number }
  output_tokens: number
  output_tokens_details: { reasoning_tokens: number }
  total_tokens: number
}

export type ResponsesStatus = 'in_progress' | 'completed' | 'incomplete' | 'failed'

/** The `response` object (non-streamed body, and inside response.created / .completed / .failed events). */
export type ResponsesResponse = {
  id: string
  object: 'response'
  created_at: number
  status: ResponsesStatus
  error: { code: string; message: string } | null
  incomplete_details: { reason: 'max_output_tokens' | 'content_filter' } | null
  instructions: null
  metadata: Record<string, string>
  model: string
  output: ResponsesOutputItem[]
  parallel_tool_calls: boolean
  temperature: null
  tool_choice: 'auto'
  tools: []
  top_p: null
  store: false
  usage: ResponsesUsage | null
}

export type ResponsesErrorBody = {
  error: { message: string; type: string; param: string | null; code: string | null }
}

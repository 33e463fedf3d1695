/**
 * The Chat Completions shapes llmux writes (https://platform.openai.com/docs/api-reference/chat).
 * Decoders read `unknown` and narrow it field by field; these types describe what encoders produce.
 * They are type aliases (not interfaces) so they fit the Protocol's Record<string, unknown> returns.
 */

export type OpenAITextContent = { type: 'text'; text: string }
export type OpenAIImageContent = { type: 'image_url'; image_url: { url: string } }
export type OpenAIContentPart = OpenAITextContent | OpenAIImageContent

export type OpenAIToolCall = {
  id: string
  type: 'function'
  function: { name: string; arguments: string }
}

export type OpenAIMessage =
  | { role: 'system'; content: string }
  | { role: 'user'; content: string | OpenAIContentPart[] }
  | { role: 'assistant'; content: string | null; tool_calls?: OpenAIToolCall[] }
  | { role: 'tool'; tool_call_id: string; content: string }

export type OpenAITool = {
  type: 'function'
  function: { name: string; description?: string; parameters: Record<string, unknown> }
}

export type OpenAIToolChoice = 'auto' | 'none' | 'required' | { type: 'function'; function: { name: string } }

export type OpenAIResponseFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | {
      type: 'json_schema'
      json_schema: { name: string; schema: Record<string, unknown>; strict?: boolean; description?: string }
    }

export type OpenAIChatRequest = {
  model: string
  messages: OpenAIMessage[]
  max_tokens?: number
  temperature?: number
  top_p?: number
  stop?: string[]
  tools?: OpenAITool[]
  tool_choice?: OpenAIToolChoice
  parallel_tool_calls?: boolean
  reasoning_effort?: string
  response_format?: OpenAIResponseFormat
  user?: string
  stream?: boolean
  stream_options?: { include_usage: boolean }
}

export type OpenAIFinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter'

export type OpenAIUsage = {
  prompt_tokens: number
  completion_tokens: number
  total_tokens: number
  prompt_tokens_details?: { cached_tokens?: number; cache_write_tokens?: number }
  completion_tokens_details?: { reasoning_tokens?: number }
}

export type OpenAIResponseMessage = {
  role: 'assistant'
  content: string | null
  refusal: null
  tool_calls?: OpenAIToolCall[]
  /** The de facto field (DeepSeek, vLLM, llama.cpp) for reasoning text; OpenAI SDKs ignore it. */
  reasoning_content?: string
}

export type OpenAIChatResponse = {
  id: string
  object: 'chat.completion'
  created: number
  model: string
  choices: { index: 0; message: OpenAIResponseMessage; logprobs: null; finish_reason: OpenAIFinishReason }[]
  usage: OpenAIUsage
}

export type OpenAIChunkDelta = {
  role?: 'assistant'
  content?: string
  reasoning_content?: string
  tool_calls?: {
    index: number
    id?: string
    type?: 'function'
    function: { name?: string; arguments: string }
  }[]
}

export type OpenAIChatChunk = {
  id: string
  object: 'chat.completion.chunk'
  created: number
  model: string
  choices: { index: 0; delta: OpenAIChunkDelta; finish_reason: OpenAIFinishReason | null }[]
  usage?: OpenAIUsage
}

export type { OpenAIErrorBody } from '../openai-error-body.ts'

import type { ContentPart, TextPart } from './content.ts'

export type Role = 'user' | 'assistant' | 'system'

export interface Message {
  role: Role
  content: ContentPart[]
}

export interface ToolDefinition {
  name: string
  description?: string
  /** JSON Schema of the tool's input, as the client sent it (never rewritten). */
  inputSchema: Record<string, unknown>
}

export type ToolChoice =
  | { type: 'auto' }
  | { type: 'required' } // Anthropic "any"
  | { type: 'none' }
  | { type: 'tool'; name: string }

export type ThinkingRequest =
  | { type: 'enabled'; budgetTokens?: number }
  | { type: 'adaptive' }
  | { type: 'disabled' }

export type ResponseFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | { type: 'json_schema'; name?: string; schema: Record<string, unknown>; strict?: boolean; description?: string }

/** One chat request, independent of the protocol it arrived in. */
export interface ChatRequest {
  model: string
  /** System prompt parts (Anthropic top-level `system`, OpenAI leading system/developer messages). */
  system: TextPart[]
  /** Conversation turns. A `system` turn here is a mid-conversation system message. */
  messages: Message[]
  isStreaming: boolean
  maxTokens?: number
  temperature?: number
  topP?: number
  topK?: number
  stopSequences?: string[]
  tools?: ToolDefinition[]
  toolChoice?: ToolChoice
  /** false = the model may call at most one tool per turn (Anthropic disable_parallel_tool_use). */
  parallelToolCalls?: boolean
  thinking?: ThinkingRequest
  /** OpenAI reasoning_effort / Anthropic output_config.effort, e.g. "low" | "medium" | "high". */
  reasoningEffort?: string
  responseFormat?: ResponseFormat
  /** End-user id: Anthropic metadata.user_id, OpenAI user. */
  user?: string
  /** OpenAI stream_options.include_usage: the client wants the final usage chunk. */
  includeUsage?: boolean
}

import type { ContentPart, TextPart } from './content.ts'

export type Role = 'user' | 'assistant' | 'system'

export interface Message {
  role: Role
  content: ContentPart[]
}

interface ToolBase {
  name: string
  description?: string
  /** The namespace the tool belongs to (Responses `namespace` tools, e.g. an MCP server). */
  namespace?: string
}

export interface FunctionTool extends ToolBase {
  kind: 'function'
  /** JSON Schema of the tool's input, as the client sent it (never rewritten). */
  inputSchema: Record<string, unknown>
  /** OpenAI structured tool arguments (`strict`); absent when the client did not say. */
  strict?: boolean
}

/** A freeform tool whose input is raw text, optionally held to a grammar (Codex's apply_patch). */
export interface CustomTool extends ToolBase {
  kind: 'custom'
  /** The wire `format` as sent, e.g. {"type":"grammar","syntax":"lark","definition":…}. */
  format?: Record<string, unknown>
}

export type ToolDefinition = FunctionTool | CustomTool

export type ToolChoice =
  | { type: 'auto' }
  | { type: 'required' } // Anthropic "any"
  | { type: 'none' }
  | { type: 'tool'; name: string; namespace?: string }

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
  /** Responses `reasoning.summary` ("auto" | "concise" | "detailed"). */
  reasoningSummary?: string
  /** OpenAI `verbosity` / Responses `text.verbosity`. */
  verbosity?: string
  /** OpenAI `prompt_cache_key` (Codex sends its session id). */
  promptCacheKey?: string
  /** The client wants reasoning tokens back (Responses `include: ["reasoning.encrypted_content"]`). */
  includeReasoningToken?: boolean
  /** The client asks for its conversation to be compacted into one summary (Responses `compaction_trigger`). */
  isCompaction?: boolean
  /**
   * Add Anthropic prompt-cache breakpoints when encoding for an Anthropic backend (SPEC §8). Set by the
   * gateway from the `cache_breakpoints` config key; absent = none.
   */
  cacheBreakpoints?: boolean
}

// Content parts shared by requests and responses. Neither Anthropic nor OpenAI shaped:
// each protocol decodes into these and encodes out of them.

export interface TextPart {
  type: 'text'
  text: string
}

export type ImageSource =
  | { kind: 'base64'; mediaType: string; data: string }
  | { kind: 'url'; url: string }

export interface ImagePart {
  type: 'image'
  source: ImageSource
}

/**
 * A call the model made. `id` is the call id a result answers (Anthropic tool_use id, OpenAI tool_call
 * id, Responses `call_id`); `itemId` is the Responses output item id, kept apart (SPEC §7.2).
 * `arguments` is the JSON text as the model wrote it; for a custom (freeform) call it is the raw input
 * text, never JSON-wrapped.
 */
export interface ToolCallPart {
  type: 'tool_call'
  id: string
  itemId?: string
  name: string
  /** The tool's namespace (Responses `namespace` tools, e.g. an MCP server), when it has one. */
  namespace?: string
  /** 'custom': a freeform tool (Responses `custom`); absent: a function tool. */
  kind?: 'custom'
  arguments: string
}

export interface ToolResultPart {
  type: 'tool_result'
  toolCallId: string
  content: (TextPart | ImagePart)[]
  isError?: boolean
  /** The result of a custom (freeform) call (Responses `custom_tool_call_output`). */
  kind?: 'custom'
}

/**
 * Who produced a piece of reasoning, and its own opaque token (SPEC §7.1, §7.2). A token only ever
 * goes back to a backend of its origin; llmux never invents one.
 * - 'anthropic': `token` is a real Anthropic signature; 'anthropic-redacted' is never used here (see
 *   RedactedThinkingPart).
 * - 'responses': `token` is an OpenAI Responses `encrypted_content`, `itemId` its reasoning item's id.
 * - 'gemini': `token` is a Gemini thoughtSignature ('' or absent when Gemini sent none).
 * - 'openai': Chat Completions reasoning text, which has no token.
 * - 'llmux': a compaction summary sealed by llmux itself.
 */
export interface Provenance {
  origin: string
  token?: string
  itemId?: string
}

/** Model reasoning. `isSummary`: the text summarises hidden reasoning (Responses `summary`). */
export interface ThinkingPart {
  type: 'thinking'
  text: string
  provenance?: Provenance
  isSummary?: boolean
}

export interface RedactedThinkingPart {
  type: 'redacted_thinking'
  data: string
}

export type ContentPart =
  | TextPart
  | ImagePart
  | ToolCallPart
  | ToolResultPart
  | ThinkingPart
  | RedactedThinkingPart

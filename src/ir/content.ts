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

/** A call the model made. `arguments` is the JSON text as the model wrote it (may be partial-free but unparsed). */
export interface ToolCallPart {
  type: 'tool_call'
  id: string
  name: string
  arguments: string
}

export interface ToolResultPart {
  type: 'tool_result'
  toolCallId: string
  content: (TextPart | ImagePart)[]
  isError?: boolean
}

/**
 * Model reasoning. `signature` is only ever one that an upstream produced; llmux never invents one.
 * `origin` says who produced it: 'anthropic' for a real Anthropic signature, otherwise the name of the
 * protocol or provider the reasoning came from (those are stripped before a real Anthropic backend).
 */
export interface ThinkingPart {
  type: 'thinking'
  text: string
  signature?: string
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

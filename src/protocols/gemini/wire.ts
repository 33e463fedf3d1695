/**
 * The Gemini API's native shapes (https://ai.google.dev/api/generate-content), only the fields llmux
 * reads or writes. Gemini is a backend protocol: llmux encodes requests and decodes responses, never the
 * other way round. Type aliases (not interfaces) so request bodies fit `Record<string, unknown>`.
 */

export type GeminiRole = 'user' | 'model'

export type GeminiFunctionCall = {
  name: string
  args?: Record<string, unknown>
  /** Only some Gemini surfaces send one; llmux mints its own when absent. */
  id?: string
}

export type GeminiFunctionResponse = {
  name: string
  /** Must be a JSON object: `output` holds the result, `error` the failure (Gemini's documented keys). */
  response: Record<string, unknown>
}

export type GeminiPart = {
  text?: string
  /** true on a thought summary part (generationConfig.thinkingConfig.includeThoughts). */
  thought?: boolean
  /** Opaque token of the model's reasoning state; it must come back on the same part in the next request. */
  thoughtSignature?: string
  inlineData?: { mimeType: string; data: string }
  fileData?: { mimeType?: string; fileUri: string }
  functionCall?: GeminiFunctionCall
  functionResponse?: GeminiFunctionResponse
}

export type GeminiContent = {
  role: GeminiRole
  parts: GeminiPart[]
}

export type GeminiFunctionDeclaration = {
  name: string
  description?: string
  /** Full JSON Schema (the older `parameters` field takes only an OpenAPI subset). */
  parametersJsonSchema: Record<string, unknown>
}

export type GeminiTool = { functionDeclarations: GeminiFunctionDeclaration[] }

export type GeminiFunctionCallingMode = 'AUTO' | 'ANY' | 'NONE'

export type GeminiToolConfig = {
  functionCallingConfig: { mode: GeminiFunctionCallingMode; allowedFunctionNames?: string[] }
}

export type GeminiThinkingConfig = {
  /** Tokens the model may think for; -1 lets the model decide (dynamic thinking). */
  thinkingBudget: number
  includeThoughts: boolean
}

export type GeminiGenerationConfig = {
  maxOutputTokens?: number
  temperature?: number
  topP?: number
  topK?: number
  stopSequences?: string[]
  responseMimeType?: string
  responseJsonSchema?: Record<string, unknown>
  thinkingConfig?: GeminiThinkingConfig
}

/** The body of models/{model}:generateContent and :streamGenerateContent (the model is in the URL). */
export type GeminiRequest = {
  contents: GeminiContent[]
  systemInstruction?: { parts: { text: string }[] }
  generationConfig?: GeminiGenerationConfig
  tools?: GeminiTool[]
  toolConfig?: GeminiToolConfig
}

export type GeminiUsageMetadata = {
  /** Every prompt token, cached ones included. */
  promptTokenCount?: number
  /** The part of promptTokenCount served from the context cache. */
  cachedContentTokenCount?: number
  candidatesTokenCount?: number
  thoughtsTokenCount?: number
  toolUsePromptTokenCount?: number
  totalTokenCount?: number
}

/** Batch embeddings: models/{model}:batchEmbedContents. */
export type GeminiEmbedRequest = {
  requests: { model: string; content: { parts: { text: string }[] }; outputDimensionality?: number }[]
}

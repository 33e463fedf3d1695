import { withoutBillingBlock } from '../../ir/billing-block.ts'
import type { ChatRequest } from '../../ir/index.ts'
import { encodeContents } from './contents.ts'
import { encodeGenerationConfig } from './generation-config.ts'
import { encodeToolConfig, encodeTools } from './tools.ts'
import type { GeminiRequest } from './wire.ts'

/**
 * The generateContent body for a chat request (https://ai.google.dev/api/generate-content#request-body).
 * The model is named in the URL (providers/gemini.ts), so `model` is not used here. Fields with no Gemini
 * meaning: parallelToolCalls (Gemini has no switch for parallel calls), user (no end-user field),
 * includeUsage (Gemini always reports usage) and isStreaming (the URL decides): dropped.
 */
export function encodeRequest(request: ChatRequest, _model: string): GeminiRequest {
  const body: GeminiRequest = { contents: encodeContents(request.messages) }
  // Claude Code's billing block would defeat Gemini's prefix cache (SPEC §8): left out.
  const systemParts = withoutBillingBlock(request.system).filter((part) => part.text !== '').map((part) => ({ text: part.text }))
  if (systemParts.length > 0) body.systemInstruction = { parts: systemParts }
  const generationConfig = encodeGenerationConfig(request)
  if (generationConfig !== undefined) body.generationConfig = generationConfig
  const tools = encodeTools(request.tools)
  if (tools !== undefined) body.tools = tools
  const toolConfig = encodeToolConfig(request.toolChoice, tools !== undefined)
  if (toolConfig !== undefined) body.toolConfig = toolConfig
  return body
}

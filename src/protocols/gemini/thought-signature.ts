import { foreignSignature, parseForeignSignature } from '../../ir/signature.ts'

/**
 * Gemini's thoughtSignature in the IR. A Gemini answer's reasoning becomes a thinking part whose signature
 * is the marker `llmux:gemini:<thoughtSignature>` (src/ir/signature.ts): never mistaken for an Anthropic
 * signature, and carrying Gemini's own token so it can go back to Gemini unchanged
 * (https://ai.google.dev/gemini-api/docs/thought-signatures).
 */
export const GEMINI_ORIGIN = 'gemini'

/** The marker for Gemini reasoning; `thoughtSignature` is empty when Gemini sent none. */
export const thinkingSignatureOf = (thoughtSignature = ''): string => foreignSignature(GEMINI_ORIGIN, thoughtSignature)

/** Gemini's own token inside a thinking part's signature ('' when it had none), or undefined when the reasoning came from elsewhere. */
export function thoughtSignatureOf(signature: string | undefined): string | undefined {
  if (signature === undefined) return undefined
  const parsed = parseForeignSignature(signature)
  return parsed?.origin === GEMINI_ORIGIN ? parsed.original : undefined
}

import type { Provenance } from '../../ir/content.ts'

/**
 * Gemini's thoughtSignature in the IR: reasoning of origin 'gemini', whose token is Gemini's own, so it
 * can go back to Gemini unchanged and is never mistaken for an Anthropic signature
 * (https://ai.google.dev/gemini-api/docs/thought-signatures).
 */
export const GEMINI_ORIGIN = 'gemini'

/** The provenance of Gemini reasoning; `thoughtSignature` is absent when Gemini sent none. */
export const geminiProvenance = (thoughtSignature?: string): Provenance =>
  thoughtSignature ? { origin: GEMINI_ORIGIN, token: thoughtSignature } : { origin: GEMINI_ORIGIN }

/** Gemini's own token ('' when it had none), or undefined when the reasoning came from elsewhere. */
export function thoughtSignatureOf(provenance: Provenance | undefined): string | undefined {
  return provenance?.origin === GEMINI_ORIGIN ? (provenance.token ?? '') : undefined
}

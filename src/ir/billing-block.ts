import type { TextPart } from './content.ts'

/**
 * Claude Code's first system block is Anthropic billing metadata, not instructions:
 * `x-anthropic-billing-header: cc_version=…; cc_entrypoint=…;` (newer versions add a `cch=` value that
 * changes every request). At the very front of the prompt it defeats every other provider's prefix
 * cache, so encoders for non-Anthropic backends leave it out (SPEC §8). Anthropic backends get it
 * untouched: Anthropic to Anthropic is passthrough.
 */
const BILLING_PREFIX = 'x-anthropic-billing-header:'

export const isBillingBlock = (part: TextPart): boolean => part.text.startsWith(BILLING_PREFIX)

/** The system prompt without the billing block; the same array when there is none. */
export function withoutBillingBlock(system: TextPart[]): TextPart[] {
  return system.some(isBillingBlock) ? system.filter((part) => !isBillingBlock(part)) : system
}

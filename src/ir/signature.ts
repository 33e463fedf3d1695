/**
 * Thinking-signature provenance (SPEC §7.1). Signatures are never invented: reasoning that did not come
 * from Anthropic gets a marker naming its origin instead, `llmux:<origin>:<original>`, where <original>
 * is the upstream's own opaque token if it had one (e.g. a Gemini thoughtSignature), else empty.
 * Blocks carrying such a marker are removed before a request reaches a real Anthropic backend.
 */
const PREFIX = 'llmux:'

export function foreignSignature(origin: string, original = ''): string {
  return `${PREFIX}${origin}:${original}`
}

export function isForeignSignature(signature: string | undefined): boolean {
  return signature !== undefined && signature.startsWith(PREFIX)
}

/** The origin and original token of a marker, or undefined for a real (Anthropic) signature. */
export function parseForeignSignature(signature: string): { origin: string; original: string } | undefined {
  if (!signature.startsWith(PREFIX)) return undefined
  const rest = signature.slice(PREFIX.length)
  const colon = rest.indexOf(':')
  return colon === -1 ? { origin: rest, original: '' } : { origin: rest.slice(0, colon), original: rest.slice(colon + 1) }
}

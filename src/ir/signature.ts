import type { Provenance } from './content.ts'

/**
 * Reasoning provenance on the wire (SPEC §7.1, §7.2). Inside llmux provenance is fields; a client of
 * another protocol carries it in the one opaque string its protocol has (an Anthropic `signature`, a
 * Responses `encrypted_content`). A token of the client's own origin travels as it is; any other is
 * marked `llmux:<origin>[@<itemId>]:<token>`, so it is never mistaken for a real one and can be
 * restored when the client echoes it back.
 */
const PREFIX = 'llmux:'

/** The string a client whose own tokens come from `nativeOrigin` sees for this provenance. */
export function opaqueOf(provenance: Provenance, nativeOrigin: string): string {
  if (provenance.origin === nativeOrigin && provenance.token !== undefined) return provenance.token
  const item = provenance.itemId === undefined ? '' : `@${provenance.itemId}`
  return `${PREFIX}${provenance.origin}${item}:${provenance.token ?? ''}`
}

/** Reads back what `opaqueOf` wrote: a marker, or else a token of the client's own origin. */
export function provenanceOf(opaque: string, nativeOrigin: string): Provenance {
  if (!opaque.startsWith(PREFIX)) return { origin: nativeOrigin, token: opaque }
  const rest = opaque.slice(PREFIX.length)
  const colon = rest.indexOf(':')
  const head = colon === -1 ? rest : rest.slice(0, colon)
  const token = colon === -1 ? '' : rest.slice(colon + 1)
  const at = head.indexOf('@')
  const provenance: Provenance = { origin: at === -1 ? head : head.slice(0, at) }
  if (at !== -1) provenance.itemId = head.slice(at + 1)
  if (token !== '') provenance.token = token
  return provenance
}

export const isMarker = (opaque: string | undefined): boolean => opaque !== undefined && opaque.startsWith(PREFIX)

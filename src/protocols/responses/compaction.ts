// Compaction items llmux writes itself (SPEC §7.2): the summary travels inside `encrypted_content` as a
// marker of origin 'llmux' whose token is the summary's UTF-8 text in base64. Only llmux reads these;
// a compaction item sealed by OpenAI is opaque and only an OpenAI backend can use it.
import { opaqueOf, provenanceOf } from '../../ir/signature.ts'

export const COMPACTION_HEADING = '[compacted conversation summary]'

/** The `encrypted_content` of a compaction item holding `summary`. */
export function sealCompaction(summary: string): string {
  const bytes = new TextEncoder().encode(summary)
  let binary = ''
  for (const byte of bytes) binary += String.fromCharCode(byte)
  return opaqueOf({ origin: 'llmux', token: btoa(binary) }, 'responses')
}

/** The summary inside a compaction item llmux sealed, or undefined for anyone else's. */
export function openCompaction(encryptedContent: string): string | undefined {
  const provenance = provenanceOf(encryptedContent, 'responses')
  if (provenance.origin !== 'llmux' || provenance.token === undefined) return undefined
  try {
    const binary = atob(provenance.token)
    return new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(binary, (char) => char.charCodeAt(0)))
  } catch {
    return undefined // not base64 or not UTF-8: not something llmux sealed
  }
}

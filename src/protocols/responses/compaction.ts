// Compaction items llmux writes itself (SPEC §7.2): the summary travels inside `encrypted_content` as a
// marker of origin 'llmux' whose token is the summary's UTF-8 text in base64. Only llmux reads these;
// a compaction item sealed by OpenAI is opaque and only an OpenAI backend can use it.
import { opaqueOf, provenanceOf } from '../../ir/signature.ts'
import type { Usage } from '../../ir/usage.ts'
import { formatSse } from '../../sse/format-sse.ts'
import type { CompactionShape, StreamContext } from '../protocol.ts'
import { responseIdOf } from './ids.ts'
import { responseObject, type ResponseHead } from './response-object.ts'
import { encodeUsage } from './usage.ts'
import type { ResponsesCompaction } from './wire.ts'

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

/**
 * The answer to a compaction request: exactly one `compaction` item holding the sealed summary (Codex
 * has no fallback when it gets anything else), as the body of POST /responses/compact (`{output: […]}`),
 * a whole response, or a stream with the usual frame around the one item.
 */
export function encodeCompaction(summary: string, usage: Usage, context: StreamContext, shape: CompactionShape): string {
  const head: ResponseHead = { id: responseIdOf(context.id), model: context.model, createdS: context.created }
  const item: ResponsesCompaction = { type: 'compaction', id: `cmp_${head.id.slice('resp_'.length)}`, encrypted_content: sealCompaction(summary) }
  const wireUsage = encodeUsage(usage, context.estimatedInputTokens)
  const done = responseObject(head, { status: 'completed', output: [item], usage: wireUsage })
  if (shape === 'compact') return JSON.stringify({ id: head.id, object: 'response.compaction', created_at: head.createdS, output: [item], usage: wireUsage })
  if (shape === 'response') return JSON.stringify(done)
  const snapshot = responseObject(head, { status: 'in_progress', output: [], usage: null })
  const events: [string, Record<string, unknown>][] = [
    ['response.created', { response: snapshot }],
    ['response.in_progress', { response: snapshot }],
    ['response.output_item.added', { output_index: 0, item }],
    ['response.output_item.done', { output_index: 0, item }],
    ['response.completed', { response: done }],
  ]
  return events.map(([type, fields], sequence) => formatSse(JSON.stringify({ type, sequence_number: sequence, ...fields }), type)).join('')
}

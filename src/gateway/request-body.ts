import type { BackendConfig } from '../config/config.ts'
import type { ChatRequest } from '../ir/index.ts'
import { isMarker } from '../ir/signature.ts'
import type { BackendCodec } from '../protocols/backend-codec.ts'
import { applyKeyEdits } from '../routing/key-edits.ts'
import type { JsonBody } from '../server/read-body.ts'

const hasKeyEdits = (backend: BackendConfig) => {
  const edits = backend.keyEdits
  return edits.delete.length > 0 || Object.keys(edits.rename).length > 0 || Object.keys(edits.add).length > 0
}

/**
 * The body sent to one backend on one attempt (STYLE habit 1). Same protocol: the client's bytes
 * untouched when nothing needs to change, else its JSON with only `model` and the backend's key edits
 * changed, so unknown fields survive. Different protocols: the IR encoded for the backend.
 */
export function upstreamBodyOf(backend: BackendConfig, target: BackendCodec, isSameProtocol: boolean, client: JsonBody, chat: ChatRequest): string {
  if (isSameProtocol) return passthroughBodyOf(backend, client)
  const encoded = target.encodeRequest(chat, backend.model)
  return JSON.stringify(hasKeyEdits(backend) ? applyKeyEdits(encoded, backend.keyEdits) : encoded)
}

/**
 * The client's body for a backend of its own protocol: `model` and key edits only, plus `extra`
 * top-level fields llmux itself needs (stream usage).
 */
export function passthroughBodyOf(backend: BackendConfig, client: JsonBody, extra?: Record<string, unknown>): string {
  const mustStrip = backend.provider.type === 'anthropic' && client.text.includes('"llmux:')
  if (backend.model === client.json.model && !hasKeyEdits(backend) && !mustStrip && !extra) return client.text
  let body: Record<string, unknown> = { ...client.json, ...extra, model: backend.model }
  if (mustStrip) body = withoutForeignThinking(body)
  return JSON.stringify(hasKeyEdits(backend) ? applyKeyEdits(body, backend.keyEdits) : body)
}

/**
 * Thinking blocks whose signature llmux marked as foreign (reasoning from another provider) would be
 * rejected by a real Anthropic backend: remove them from assistant turns (SPEC §7.1).
 */
function withoutForeignThinking(body: Record<string, unknown>): Record<string, unknown> {
  if (!Array.isArray(body.messages)) return body
  const messages = body.messages.flatMap((message: unknown) => {
    if (typeof message !== 'object' || message === null) return [message]
    const content = (message as { content?: unknown }).content
    if (!Array.isArray(content)) return [message]
    const kept = content.filter((block: unknown) => {
      const b = block as { type?: unknown; signature?: unknown }
      return !(b?.type === 'thinking' && typeof b.signature === 'string' && isMarker(b.signature))
    })
    if (kept.length === content.length) return [message]
    // A turn that held only foreign thinking goes entirely: Anthropic rejects empty content.
    return kept.length === 0 ? [] : [{ ...message, content: kept }]
  })
  return { ...body, messages }
}

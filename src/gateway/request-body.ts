import type { BackendConfig } from '../config/config.ts'
import type { ChatRequest } from '../ir/index.ts'
import type { BackendCodec } from '../protocols/backend-codec.ts'
import type { Protocol } from '../protocols/protocol.ts'
import { applyKeyEdits } from '../routing/key-edits.ts'
import type { JsonBody } from '../server/read-body.ts'
import { setTopLevel } from './set-top-level.ts'

const hasKeyEdits = (backend: BackendConfig) => {
  const edits = backend.keyEdits
  return edits.delete.length > 0 || Object.keys(edits.rename).length > 0 || Object.keys(edits.add).length > 0
}

/**
 * The body sent to one backend on one attempt (STYLE habit 1). Same protocol: the client's bytes
 * untouched when nothing needs to change, else its JSON with only `model` and the backend's key edits
 * changed, so unknown fields survive. Different protocols (`sameProtocol` undefined): the IR encoded for the backend.
 */
export function upstreamBodyOf(backend: BackendConfig, target: BackendCodec, sameProtocol: Protocol | undefined, client: JsonBody, chat: ChatRequest): string {
  if (sameProtocol !== undefined) return passthroughBodyOf(backend, sameProtocol, client)
  const encoded = target.encodeRequest(chat, backend.model)
  return JSON.stringify(hasKeyEdits(backend) ? applyKeyEdits(encoded, backend.keyEdits) : encoded)
}

/**
 * The client's body for a backend of its own protocol: `model` and key edits only, plus `extra`
 * top-level fields llmux itself needs (stream usage).
 */
export function passthroughBodyOf(backend: BackendConfig, inbound: Protocol, client: JsonBody, extra?: Record<string, unknown>): string {
  // Only a body that holds one of llmux's markers can need them removed.
  const strip = client.text.includes('"llmux:') ? inbound.stripForeign : undefined
  const isModelKept = backend.model === client.json.model
  if (isModelKept && !hasKeyEdits(backend) && !strip && !extra) return client.text
  if (!hasKeyEdits(backend) && !strip) {
    // Only top-level fields change: they are set in the client's text, the rest of its bytes untouched.
    const spliced = setTopLevel(client.text, isModelKept && extra ? extra : { ...extra, model: backend.model })
    if (spliced !== undefined) return spliced
  }
  let body: Record<string, unknown> = { ...client.json, ...extra, model: backend.model }
  if (strip) body = strip(body)
  return JSON.stringify(hasKeyEdits(backend) ? applyKeyEdits(body, backend.keyEdits) : body)
}

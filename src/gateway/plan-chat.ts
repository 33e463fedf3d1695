import type { BackendConfig } from '../config/config.ts'
import type { ChatRequest } from '../ir/index.ts'
import { backendProtocolOf } from '../providers/protocol-of.ts'
import type { Protocol } from '../protocols/protocol.ts'
import type { JsonBody } from '../server/read-body.ts'
import type { AttemptPlan } from './attempt.ts'
import type { Gateway } from './gateway.ts'
import { passthroughBodyOf, upstreamBodyOf } from './request-body.ts'
import { upstreamUrlOf } from './upstream-url.ts'

/** A chat request as every attempt sees it. */
export interface ChatCall {
  inbound: Protocol
  body: JsonBody
  chat: ChatRequest
  estimatedTokens: number
}

/** How one chat attempt goes to this backend: passthrough when it speaks the client's protocol, else via the IR. */
export function planChat(gateway: Gateway, call: ChatCall, backend: BackendConfig): AttemptPlan {
  const protocol = backendProtocolOf(backend.provider.type)
  const codec = gateway.codecs[protocol]
  const isSameProtocol = protocol === call.inbound.name
  const plan: AttemptPlan = {
    backend,
    codec,
    inbound: call.inbound,
    url: upstreamUrlOf(backend, 'chat', call.chat.isStreaming),
    body: upstreamBodyOf(backend, codec, isSameProtocol, call.body, call.chat),
    isStreaming: call.chat.isStreaming,
  }
  if (isSameProtocol) {
    // Usage is needed for cost and budgets: an OpenAI stream that did not ask for it asks anyway, and the
    // usage-only chunk is kept from the client, which did not expect it.
    if (call.inbound.name === 'openai' && call.chat.isStreaming && !call.chat.includeUsage) {
      const options = typeof call.body.json.stream_options === 'object' ? call.body.json.stream_options : {}
      plan.body = passthroughBodyOf(backend, call.body, { stream_options: { ...options, include_usage: true } })
      plan.dropsUsageChunk = true
    }
    return plan
  }
  const nowMs = gateway.now()
  plan.translation = {
    whole: (json) => {
      const response = codec.decodeResponse(json)
      return { body: JSON.stringify(call.inbound.encodeResponse(response)), usage: response.usage }
    },
    streamContext: {
      estimatedInputTokens: call.estimatedTokens,
      includeUsage: call.chat.includeUsage ?? false,
      id: `llmux-${nowMs.toString(36)}`,
      model: backend.model,
      created: Math.floor(nowMs / 1000),
    },
  }
  return plan
}

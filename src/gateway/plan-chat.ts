import type { BackendConfig } from '../config/config.ts'
import { toolLookupOf } from '../ir/flat-tools.ts'
import type { ChatRequest } from '../ir/index.ts'
import type { Protocol, StreamContext } from '../protocols/protocol.ts'
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
  const codec = gateway.codecs[backend.protocol]
  const isSameProtocol = backend.protocol === call.inbound.name
  const chat = { ...call.chat, cacheBreakpoints: gateway.config.addsCacheBreakpoints }
  const plan: AttemptPlan = {
    backend,
    codec,
    inbound: call.inbound,
    url: upstreamUrlOf(backend, 'chat', call.chat.isStreaming),
    body: upstreamBodyOf(backend, codec, isSameProtocol ? call.inbound : undefined, call.body, chat),
    isStreaming: call.chat.isStreaming,
  }
  if (isSameProtocol) {
    // Usage is needed for cost and budgets: an OpenAI stream that did not ask for it asks anyway, and the
    // usage-only chunk is kept from the client, which did not expect it.
    const usageFields = call.inbound.probe.usageRequest?.fieldsFor(call.body.json)
    if (usageFields !== undefined) {
      plan.body = passthroughBodyOf(backend, call.inbound, call.body, usageFields)
      plan.dropsUsageChunk = true
    }
    return plan
  }
  const context = answerContextOf(call, backend, gateway.now())
  plan.translation = {
    whole: (json) => {
      const response = codec.decodeResponse(json)
      return { body: JSON.stringify(call.inbound.encodeResponse(response, context)), usage: response.usage }
    },
    streamContext: context,
  }
  return plan
}

/** What the client's encoder needs that the answer does not carry. */
export function answerContextOf(call: ChatCall, backend: BackendConfig, nowMs: number): StreamContext {
  const context: StreamContext = {
    estimatedInputTokens: call.estimatedTokens,
    includeUsage: call.chat.includeUsage ?? false,
    id: `llmux-${nowMs.toString(36)}`,
    model: backend.model,
    created: Math.floor(nowMs / 1000),
  }
  // Only custom or namespaced tools (a Responses client) need their calls mapped back (ir/flat-tools.ts).
  if (call.chat.tools?.some((tool) => tool.kind === 'custom' || tool.namespace !== undefined)) context.tools = toolLookupOf(call.chat.tools)
  if (call.chat.includeReasoningToken) context.includeReasoningToken = true
  return context
}

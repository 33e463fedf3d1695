import type { ChatRequest } from '../ir/index.ts'
import type { Protocol, ProtocolName } from '../protocols/protocol.ts'
import type { ProblemKind } from '../routing/backend-fit.ts'
import { needsOf } from '../routing/needs.ts'
import { answerWithFailover } from './failover.ts'
import type { Gateway } from './gateway.ts'
import { planChat } from './plan-chat.ts'
import { serveRequest } from './serve-request.ts'

/** POST /v1/messages and /v1/chat/completions: decode, route, attempt with failover, answer. */
export function handleChat(gateway: Gateway, request: Request, inbound: Protocol): Promise<Response> {
  return serveRequest(gateway, request, inbound.route, inbound, ({ record, body, admit }) => {
    const chat = inbound.decodeRequest(body.json)
    admit(chat.model, chat.isStreaming)
    const needs = needsOf(chat, undefined, gateway.hasTraitRules)
    const call = { inbound, body, chat, estimatedTokens: needs.estimatedTokens }
    const tagOf = capabilityTags[inbound.name]
    const rejectedCapability = tagOf && ((unmet: ProblemKind) => tagOf(unmet, chat))
    return answerWithFailover(
      gateway,
      { inbound, needs, client: request, purpose: 'chat', plan: (backend) => planChat(gateway, call, backend), rejectedCapability },
      record,
    )
  })
}

/** Clients that retry without a feature llmux names (SPEC §7.1): only Claude Code, an Anthropic client. */
const capabilityTags: Partial<Record<ProtocolName, (unmet: ProblemKind, chat: ChatRequest) => string | undefined>> = {
  anthropic: claudeCodeFeatureOf,
}

/**
 * The feature names Claude Code 2.1.x looks for after `capability_rejected: ` (read from its own
 * code): it then retries once without that feature, e.g. dropping images or thinking.
 */
function claudeCodeFeatureOf(unmet: ProblemKind, chat: ChatRequest): string | undefined {
  if (unmet === 'vision') return 'image_block'
  if (unmet === 'context') return 'prompt_too_long'
  if (unmet !== 'thinking') return undefined
  if (chat.thinking?.type === 'adaptive') return 'thinking_type:adaptive'
  return chat.thinking?.type === 'enabled' ? 'thinking_type:enabled' : 'effort_unsupported'
}

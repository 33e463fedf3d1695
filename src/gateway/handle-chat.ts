import type { ChatRequest } from '../ir/index.ts'
import type { BackendConfig } from '../config/config.ts'
import type { CompactionShape, Protocol, ProtocolName } from '../protocols/protocol.ts'
import type { ProblemKind } from '../routing/backend-fit.ts'
import { needsOf } from '../routing/needs.ts'
import { lookUpAnswer } from './answer-cache.ts'
import { answerWithFailover } from './failover.ts'
import type { Gateway } from './gateway.ts'
import { planChat } from './plan-chat.ts'
import { planCompaction } from './plan-compaction.ts'
import { sessionKeyOf } from './session-key.ts'
import { serveRequest } from './serve-request.ts'

/**
 * Every client door (/v1/messages, /v1/chat/completions, /v1/responses): decode, route, attempt with
 * failover, answer. `isCompactEndpoint`: POST /v1/responses/compact, answered with one compaction item.
 */
export function handleChat(gateway: Gateway, request: Request, inbound: Protocol, isCompactEndpoint = false): Promise<Response> {
  const route = isCompactEndpoint ? `${inbound.route}/compact` : inbound.route
  return serveRequest(gateway, request, route, inbound, async ({ record, body, admit }) => {
    const chat = inbound.decodeRequest(body.json)
    if (isCompactEndpoint) chat.isStreaming = false
    await admit(chat.model, chat.isStreaming)
    const needs = needsOf(chat, undefined, gateway.hasTraitRules)
    const call = { inbound, body, chat, estimatedTokens: needs.estimatedTokens }
    const tagOf = capabilityTags[inbound.name]
    const rejectedCapability = tagOf && ((unmet: ProblemKind) => tagOf(unmet, chat))
    const shape: CompactionShape | undefined = isCompactEndpoint ? 'compact' : chat.isCompaction ? (chat.isStreaming ? 'stream' : 'response') : undefined
    const session = await sessionOf(gateway, request, chat, record.client)
    // Compactions are never cached: their answer is llmux's own sealed item.
    const isCached = shape === undefined && gateway.config.answerCache !== undefined
    const answerCache = isCached ? await lookUpAnswer(gateway, call, needs, session?.preferred, record) : undefined
    if (answerCache instanceof Response) return answerCache
    const plan = shape === undefined ? (backend: BackendConfig) => planChat(gateway, call, backend) : (backend: BackendConfig) => planCompaction(gateway, call, backend, shape)
    return answerWithFailover(gateway, { inbound, needs, client: request, purpose: 'chat', plan, rejectedCapability, session, answerCache }, record)
  })
}

/** The request's session and its remembered backend, when affinity is on and the request names one. */
async function sessionOf(gateway: Gateway, request: Request, chat: ChatRequest, client: string | undefined) {
  if (!gateway.config.isAffinityOn) return undefined
  const key = sessionKeyOf(request.headers, chat, client)
  if (key === undefined) return undefined
  const preferred = await gateway.store.affinityOf(key, gateway.now())
  if (preferred !== undefined && gateway.logger.isVerbose) gateway.logger.debug(`affinity: session remembered on ${preferred}`)
  return { key, preferred }
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

import type { Protocol } from '../protocols/protocol.ts'
import { needsOf } from '../routing/needs.ts'
import { answerWithFailover } from './failover.ts'
import type { Gateway } from './gateway.ts'
import { planChat } from './plan-chat.ts'
import { serveRequest } from './serve-request.ts'

/** POST /v1/messages and /v1/chat/completions: decode, route, attempt with failover, answer. */
export function handleChat(gateway: Gateway, request: Request, inbound: Protocol): Promise<Response> {
  return serveRequest(gateway, request, inbound.name === 'anthropic' ? '/v1/messages' : '/v1/chat/completions', inbound, ({ record, body, admit }) => {
    const chat = inbound.decodeRequest(body.json)
    admit(chat.model, chat.isStreaming)
    const needs = needsOf(chat)
    const call = { inbound, body, chat, estimatedTokens: needs.estimatedTokens }
    return answerWithFailover(gateway, { inbound, needs, client: request, purpose: 'chat', plan: (backend) => planChat(gateway, call, backend) }, record)
  })
}

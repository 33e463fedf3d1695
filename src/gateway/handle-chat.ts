import type { Protocol } from '../protocols/protocol.ts'
import { needsOf } from '../routing/needs.ts'
import { readJsonBody } from '../server/read-body.ts'
import { admitClient } from './client-limits.ts'
import { answerWithFailover } from './failover.ts'
import { finishRequest, newRecord } from './finish-request.ts'
import type { Gateway } from './gateway.ts'
import { llmuxHeaders } from './llmux-headers.ts'
import { planChat } from './plan-chat.ts'
import { errorResponse } from './respond.ts'

/** POST /v1/messages and /v1/chat/completions: authenticate, decode, route, attempt with failover, answer. */
export async function handleChat(gateway: Gateway, request: Request, inbound: Protocol): Promise<Response> {
  const record = newRecord(gateway, inbound.name)
  try {
    const client = gateway.authenticator.authenticate(request.headers)
    record.client = client?.name
    const body = await readJsonBody(request, gateway.config.maxBodyBytes)
    const chat = inbound.decodeRequest(body.json)
    record.requestedModel = chat.model
    gateway.logger.info(`#${record.id} ← ${inbound.name} model=${chat.model}${chat.isStreaming ? ' stream' : ''}${client ? ` client=${client.name}` : ''}`)
    if (client) admitClient(gateway.store, client, gateway.now())
    const needs = needsOf(chat)
    const call = { inbound, body, chat, estimatedTokens: needs.estimatedTokens }
    return await answerWithFailover(gateway, { inbound, needs, client: request, purpose: 'chat', plan: (backend) => planChat(gateway, call, backend) }, record)
  } catch (error) {
    const response = errorResponse(inbound, error, llmuxHeaders(record))
    finishRequest(gateway, record, { status: response.status, usage: {}, isCutShort: false, errorMessage: (error as Error).message })
    return response
  }
}

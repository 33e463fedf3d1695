import type { ClientToken } from '../config/config.ts'
import type { Protocol } from '../protocols/protocol.ts'
import { readJsonBody, type JsonBody } from '../server/read-body.ts'
import { admitClient } from './client-limits.ts'
import { finishRequest, newRecord, type RequestRecord } from './finish-request.ts'
import type { Gateway } from './gateway.ts'
import { llmuxHeaders } from './llmux-headers.ts'
import { errorResponse } from './respond.ts'

export interface Arrival {
  record: RequestRecord
  client: ClientToken | undefined
  body: JsonBody
  /** The request names its model: note it for the completion line and apply the client's budgets and limits. */
  admit(model: string, isStreaming?: boolean): Promise<void>
}

/**
 * The frame of every routed POST: authenticate, read the JSON body, let `handle` answer, and turn
 * anything thrown into an error in the caller's protocol, recorded and logged like any answer.
 */
export async function serveRequest(
  gateway: Gateway,
  request: Request,
  route: string,
  inbound: Protocol,
  handle: (arrival: Arrival) => Promise<Response>,
): Promise<Response> {
  const record = newRecord(gateway, inbound.name)
  // The arrival line comes first, before anything can fail, so every request has one. (The route is
  // given by the caller: reading request.url costs more than the rest of the line.)
  if (gateway.logger.isInfo) gateway.logger.info(`#${record.id} ← POST ${route}`)
  try {
    const client = gateway.authenticator.authenticate(request.headers)
    record.client = client?.name
    const body = await readJsonBody(request, gateway.config.maxBodyBytes)
    const admit = async (model: string, isStreaming = false) => {
      record.requestedModel = model
      record.isStreaming = isStreaming
      if (client) await admitClient(gateway.store, client, gateway.now())
    }
    return await handle({ record, client, body, admit })
  } catch (error) {
    const response = errorResponse(inbound, error, llmuxHeaders(record))
    finishRequest(gateway, record, { status: response.status, usage: {}, isCutShort: false, errorMessage: (error as Error).message })
    return response
  }
}


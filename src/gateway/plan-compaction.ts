import type { BackendConfig } from '../config/config.ts'
import { GatewayError } from '../errors.ts'
import type { ChatRequest } from '../ir/index.ts'
import type { CompactionShape } from '../protocols/protocol.ts'
import type { AttemptPlan } from './attempt.ts'
import type { Gateway } from './gateway.ts'
import { answerContextOf, type ChatCall } from './plan-chat.ts'
import { upstreamBodyOf } from './request-body.ts'
import { upstreamUrlOf } from './upstream-url.ts'

/** What the routed backend is asked, after the conversation, to compact it (SPEC §7.2). */
const COMPACTION_PROMPT = `Context checkpoint: write a handoff summary of this conversation for the model that will continue the work in a fresh context.
Include the user's goal and constraints, what has been done so far (files read or changed, commands run and what they showed),
decisions and their reasons, anything left open, and the concrete next steps. Be complete but concise. Answer with the summary only.`

/**
 * Codex's compaction, both ways it asks (POST /v1/responses/compact, or a final compaction_trigger
 * item): the routed backend, whatever its protocol, is asked for a summary in one non-streamed call,
 * and the client gets exactly one compaction item sealed by llmux, which later turns open again into
 * a summary message (protocols/responses/compaction.ts). Never passthrough: even a Responses backend
 * gets the summary request, since a compaction it sealed itself could not be read by other backends.
 */
export function planCompaction(gateway: Gateway, call: ChatCall, backend: BackendConfig, shape: CompactionShape): AttemptPlan {
  const codec = gateway.codecs[backend.protocol]
  const request = summaryRequestOf(call.chat)
  const context = answerContextOf(call, backend, gateway.now())
  const encode = call.inbound.encodeCompaction
  if (encode === undefined) throw new GatewayError('not_implemented', `${call.inbound.name} clients cannot ask for compaction`)
  return {
    backend,
    codec,
    inbound: call.inbound,
    url: upstreamUrlOf(backend, 'chat', false),
    body: upstreamBodyOf(backend, codec, undefined, call.body, request),
    isStreaming: false,
    translation: {
      whole(json) {
        const response = codec.decodeResponse(json)
        const summary = response.content.flatMap((part) => (part.type === 'text' ? [part.text] : [])).join('\n').trim()
        if (summary === '') throw new GatewayError('bad_gateway', 'the backend answered the compaction request without a summary')
        const contentType = shape === 'stream' ? 'text/event-stream; charset=utf-8' : 'application/json'
        return { body: encode(summary, response.usage, context, shape), usage: response.usage, contentType }
      },
    },
  }
}

function summaryRequestOf(chat: ChatRequest): ChatRequest {
  const request: ChatRequest = { ...chat, isStreaming: false, messages: [...chat.messages, { role: 'user', content: [{ type: 'text', text: COMPACTION_PROMPT }] }] }
  delete request.isCompaction
  // The summary is text: tools stay declared (the history holds their calls) but may not be called.
  if (request.tools !== undefined && request.tools.length > 0) request.toolChoice = { type: 'none' }
  return request
}

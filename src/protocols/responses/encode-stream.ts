// IR stream parts → Responses SSE events (SPEC §7.2), one complete event per string.
import type { ErrorKind } from '../../errors.ts'
import type { StopReason, StreamPart } from '../../ir/index.ts'
import type { Usage } from '../../ir/usage.ts'
import type { StreamContext } from '../protocol.ts'
import { END, pushTransform, transformAsync, type PushTransform } from '../push-transform.ts'
import { failedCodeOf, failedMessageOf } from './error.ts'
import { responseIdOf } from './ids.ts'
import { incompleteReasonOfStop } from './response.ts'
import { responseObject, type ResponseHead, type ResponseState } from './response-object.ts'
import { StreamItems } from './stream-items.ts'
import { encodeUsage, mergeUsage } from './usage.ts'

export const encodeStream = (parts: AsyncIterable<StreamPart>, context: StreamContext): AsyncGenerator<string> =>
  transformAsync(streamEncoder(context), parts)

export const streamEncoder = (context: StreamContext): PushTransform<StreamPart, string> => pushTransform((emit) => encodeParts(emit, context))

/**
 * `response.created` and `response.in_progress` first (the SDK's accumulator needs created before
 * anything), then each item's events, and last exactly one of `response.completed`,
 * `response.incomplete` (max tokens, content filter) or `response.failed` (an error, or parts that
 * ended without a finish: Codex reconnects on a stream without a terminal event, and ignores `error`).
 */
function* encodeParts(emit: (event: string) => void, context: StreamContext): Generator<void, void, StreamPart | typeof END> {
  const head: ResponseHead = { id: responseIdOf(context.id), model: context.model, createdS: context.created }
  let items: StreamItems | undefined
  let usage: Usage | undefined
  const begin = (): StreamItems => {
    const opened = new StreamItems({ responseId: head.id, tools: context.tools, includeReasoningToken: context.includeReasoningToken })
    const snapshot = responseObject(head, { status: 'in_progress', output: [], usage: null })
    emit(opened.event('response.created', { response: snapshot }))
    emit(opened.event('response.in_progress', { response: snapshot }))
    return opened
  }
  for (let part = yield; part !== END; part = yield) {
    if (part.type === 'start' && items === undefined) {
      if (part.id) head.id = responseIdOf(part.id)
      if (part.model) head.model = part.model
    }
    if (part.type === 'start' || part.type === 'usage') usage = mergeUsage(usage, part.usage)
    items ??= begin()
    switch (part.type) {
      case 'text':
        for (const event of items.text(part.text)) emit(event)
        break
      case 'thinking':
        for (const event of items.thinking(part.text)) emit(event)
        break
      case 'signature':
        for (const event of items.signature(part.provenance)) emit(event)
        break
      case 'redacted_thinking':
        for (const event of items.redactedThinking(part.data)) emit(event)
        break
      case 'tool_call_start':
        for (const event of items.toolCallStart(part)) emit(event)
        break
      case 'tool_call_delta':
        for (const event of items.toolCallDelta(part.index, part.arguments)) emit(event)
        break
      case 'ping':
        // A real event, not a comment (Codex's idle timer counts only events). `keepalive` is one the
        // openai SDK's accumulator knows to carry no state, and Codex ignores types it does not know.
        // Re-sending response.in_progress would also count, but it replaces the SDK's snapshot, output and all.
        emit(items.event('keepalive'))
        break
      case 'error':
        emit(fail(items, head, part.kind, part.message, part.retryAfterMs))
        return
      case 'finish':
        for (const event of items.closeAll()) emit(event)
        emit(finished(items, head, part.stopReason, mergeUsage(usage, part.usage), context.estimatedInputTokens))
        return
    }
  }
  // The parts ended without a finish: the upstream was cut off. Never a fake response.completed.
  items ??= begin()
  emit(fail(items, head, 'bad_gateway', 'the upstream stream ended before the answer was complete'))
}

function finished(items: StreamItems, head: ResponseHead, stopReason: StopReason, usage: Usage | undefined, estimatedInputTokens: number): string {
  const incompleteReason = incompleteReasonOfStop(stopReason)
  const state: ResponseState = {
    status: incompleteReason === undefined ? 'completed' : 'incomplete',
    output: items.output,
    usage: encodeUsage(usage ?? {}, estimatedInputTokens),
  }
  if (incompleteReason !== undefined) state.incompleteReason = incompleteReason
  const type = incompleteReason === undefined ? 'response.completed' : 'response.incomplete'
  return items.event(type, { response: responseObject(head, state) })
}

/** `response.failed` with the items finished so far; open ones are left out (Codex would act on a half call). */
function fail(items: StreamItems, head: ResponseHead, kind: ErrorKind, message: string, retryAfterMs?: number): string {
  const error = { code: failedCodeOf(kind, message), message: failedMessageOf(message, kind, retryAfterMs) }
  const response = responseObject(head, { status: 'failed', output: items.output, usage: null, error })
  return items.event('response.failed', { response })
}

// IR stream parts → Anthropic SSE events, one complete event per yielded string.
import { GatewayError } from '../../errors.ts'
import type { StreamPart, Usage } from '../../ir/index.ts'
import type { StreamContext } from '../protocol.ts'
import { END, pushTransform, transformAsync, type PushTransform } from '../push-transform.ts'
import { encodeStreamError } from './error.ts'
import { messageIdOf } from './ids.ts'
import { encodeStopReason } from './stop-reason.ts'
import { BlockWriter, sseEvent } from './stream-blocks.ts'
import { mergeUsage } from './usage.ts'

type StartPart = Extract<StreamPart, { type: 'start' }>
type FinishPart = Extract<StreamPart, { type: 'finish' }>

export const encodeStream = (parts: AsyncIterable<StreamPart>, context: StreamContext): AsyncGenerator<string> =>
  transformAsync(streamEncoder(context), parts)

export const streamEncoder = (context: StreamContext): PushTransform<StreamPart, string> => pushTransform((emit) => encodeParts(emit, context))

function* encodeParts(emit: (event: string) => void, context: StreamContext): Generator<void, void, StreamPart | typeof END> {
  const blocks = new BlockWriter(emit)
  let isStarted = false
  let usage: Usage = {}
  let finish: FinishPart | undefined
  for (let part = yield; part !== END; part = yield) {
    // After finish only usage still matters: OpenAI sends its usage chunk after the finish_reason.
    if (finish !== undefined) {
      if (part.type === 'usage') usage = mergeUsage(usage, part.usage)
      continue
    }
    if (part.type === 'error') {
      emit(encodeStreamError(new GatewayError(part.kind, part.message)))
      return
    }
    if (!isStarted && part.type !== 'ping') {
      const start = part.type === 'start' ? part : undefined
      usage = mergeUsage(usage, start?.usage)
      emit(messageStart(start, context))
      isStarted = true
    }
    switch (part.type) {
      case 'start':
        break // a second start part has nothing to add
      case 'ping':
        emit(sseEvent({ type: 'ping' }))
        break
      case 'usage':
        usage = mergeUsage(usage, part.usage)
        break
      case 'finish':
        blocks.close()
        usage = mergeUsage(usage, part.usage)
        finish = part
        break
      default:
        blocks.write(part)
    }
  }
  if (finish === undefined) {
    // The upstream stopped before saying the answer was complete: never a fake message_stop.
    blocks.close()
    emit(encodeStreamError(new GatewayError('bad_gateway', 'the upstream stream ended early, before the answer was complete')))
    return
  }
  emit(messageDelta(finish, usage))
  emit(sseEvent({ type: 'message_stop' }))
}

function messageStart(start: StartPart | undefined, context: StreamContext): string {
  const usage = start?.usage
  const reported = usage?.inputTokens
  // Clients show input_tokens from here: never 0 (SPEC §7.1). The estimate stands in until message_delta.
  const inputTokens = reported !== undefined && reported > 0 ? reported : Math.max(1, context.estimatedInputTokens)
  const wireUsage: Record<string, number> = { input_tokens: inputTokens, output_tokens: usage?.outputTokens ?? 0 }
  if (usage?.cacheWriteTokens !== undefined) wireUsage.cache_creation_input_tokens = usage.cacheWriteTokens
  if (usage?.cacheReadTokens !== undefined) wireUsage.cache_read_input_tokens = usage.cacheReadTokens
  const message = {
    id: messageIdOf(start?.id || context.id),
    type: 'message',
    role: 'assistant',
    model: start?.model || context.model,
    content: [],
    stop_reason: null,
    stop_sequence: null,
    usage: wireUsage,
  }
  return sseEvent({ type: 'message_start', message })
}

function messageDelta(finish: FinishPart, usage: Usage): string {
  // output_tokens is a required field (0 when never reported); the other figures, known by now, replace
  // message_start's estimate in the SDK's running message.
  const wireUsage: Record<string, number> = { output_tokens: usage.outputTokens ?? 0 }
  if (usage.inputTokens !== undefined) wireUsage.input_tokens = usage.inputTokens
  if (usage.cacheWriteTokens !== undefined) wireUsage.cache_creation_input_tokens = usage.cacheWriteTokens
  if (usage.cacheReadTokens !== undefined) wireUsage.cache_read_input_tokens = usage.cacheReadTokens
  const delta = { stop_reason: encodeStopReason(finish.stopReason), stop_sequence: finish.stopSequence ?? null }
  return sseEvent({ type: 'message_delta', delta, usage: wireUsage })
}

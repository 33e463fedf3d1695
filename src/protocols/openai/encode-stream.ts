import { GatewayError } from '../../errors.ts'
import type { StreamPart } from '../../ir/stream.ts'
import type { Usage } from '../../ir/usage.ts'
import { formatSse } from '../../sse/format-sse.ts'
import type { StreamContext } from '../protocol.ts'
import { END, pushTransform, transformAsync, type PushTransform } from '../push-transform.ts'
import { encodeStreamError } from './error.ts'
import { chatCompletionId } from './response.ts'
import { encodeStopReason } from './stop-reason.ts'
import { encodeUsage, mergeUsage } from './usage.ts'
import type { OpenAIChatChunk, OpenAIChunkDelta, OpenAIFinishReason, OpenAIUsage } from './wire.ts'

const DONE = 'data: [DONE]\n\n'

/**
 * StreamPart → chat.completion.chunk SSE text (SPEC §7.1): data lines only, never an `event:` line or a
 * ping (the OpenAI SDK chokes on them, so ping parts are not sent). Every chunk has one choice except
 * the usage chunk, every tool-call delta has its index, and the stream always ends with a
 * finish_reason and [DONE], or with an error data line and nothing after it.
 */
export const encodeStream = (parts: AsyncIterable<StreamPart>, context: StreamContext): AsyncGenerator<string> =>
  transformAsync(streamEncoder(context), parts)

export const streamEncoder = (context: StreamContext): PushTransform<StreamPart, string> => pushTransform((emit) => encodeParts(emit, context))

function* encodeParts(emit: (event: string) => void, context: StreamContext): Generator<void, void, StreamPart | typeof END> {
  let id = chatCompletionId(context.id)
  let model = context.model
  let hasStarted = false
  let usage: Usage | undefined
  const chunk = (delta: OpenAIChunkDelta, finishReason: OpenAIFinishReason | null = null): string =>
    formatChunk({ id, model, created: context.created }, [{ index: 0, delta, finish_reason: finishReason }])
  // What a content or reasoning delta (one per token) is written after: follows id and model.
  let deltaHead = chunkHead({ id, model, created: context.created })
  for (let part = yield; part !== END; part = yield) {
    if (part.type === 'ping') continue
    if (part.type === 'error') {
      emit(encodeStreamError(new GatewayError(part.kind, part.message)))
      return
    }
    if (part.type === 'start') {
      if (part.id) id = chatCompletionId(part.id)
      if (part.model) model = part.model
      usage = mergeUsage(usage, part.usage)
      deltaHead = chunkHead({ id, model, created: context.created })
    }
    if (!hasStarted) {
      hasStarted = true
      emit(chunk({ role: 'assistant', content: '' }))
    }
    switch (part.type) {
      case 'text':
        emit(deltaChunk(deltaHead, 'content', part.text))
        break
      case 'thinking':
        emit(deltaChunk(deltaHead, 'reasoning_content', part.text))
        break
      case 'tool_call_start':
        emit(chunk({ tool_calls: [{ index: part.index, id: part.id, type: 'function', function: { name: part.name, arguments: '' } }] }))
        break
      case 'tool_call_delta':
        emit(chunk({ tool_calls: [{ index: part.index, function: { arguments: part.arguments } }] }))
        break
      case 'usage':
        usage = mergeUsage(usage, part.usage)
        break
      case 'finish':
        emit(chunk({}, encodeStopReason(part.stopReason)))
        if (context.includeUsage) {
          const total = encodeUsage(mergeUsage(usage, part.usage) ?? {}, context.estimatedInputTokens)
          emit(formatChunk({ id, model, created: context.created }, [], total))
        }
        emit(DONE)
        return
      // signature and redacted_thinking mean nothing to an OpenAI client: dropped.
    }
  }
  // The parts ended without a finish: the upstream was cut off. Say so; never a fake [DONE].
  emit(encodeStreamError(new GatewayError('bad_gateway', 'upstream stream ended before the answer was complete')))
}

type ChunkHead = Pick<OpenAIChatChunk, 'id' | 'model' | 'created'>

/** `data: {"id":…,"object":…,"created":…,"model":…,` : what every chunk of one stream begins with. */
const chunkHead = (head: ChunkHead): string =>
  `data: {"id":${JSON.stringify(head.id)},"object":"chat.completion.chunk","created":${JSON.stringify(head.created)},"model":${JSON.stringify(head.model)},`

/**
 * A one-field delta chunk written directly: byte for byte what `formatChunk` makes of
 * `[{ index: 0, delta: { [field]: text }, finish_reason: null }]`, without building and stringifying it.
 */
const deltaChunk = (head: string, field: 'content' | 'reasoning_content', text: string): string =>
  `${head}"choices":[{"index":0,"delta":{"${field}":${JSON.stringify(text)}},"finish_reason":null}]}\n\n`

function formatChunk(head: ChunkHead, choices: OpenAIChatChunk['choices'], usage?: OpenAIUsage): string {
  const body: OpenAIChatChunk = { id: head.id, object: 'chat.completion.chunk', created: head.created, model: head.model, choices }
  if (usage !== undefined) body.usage = usage
  return formatSse(JSON.stringify(body))
}

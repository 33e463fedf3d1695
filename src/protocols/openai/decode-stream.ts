import type { StreamPart } from '../../ir/stream.ts'
import type { SseEvent } from '../../sse/parse-sse.ts'
import { END, pushTransform, transformAsync, type PushTransform } from '../push-transform.ts'
import { ChunkDecoder } from './chunk-decoder.ts'
import { decodeErrorObject } from './error.ts'
import { isObject } from './narrow.ts'

/**
 * An upstream chat.completion.chunk stream → StreamPart. Comments and pings never reach here (the SSE
 * parser drops comment lines). An error in a data line ends the stream with an error part.
 */
export const decodeStream = (events: AsyncIterable<SseEvent>): AsyncGenerator<StreamPart> => transformAsync(streamDecoder(), events)

export const streamDecoder = (): PushTransform<SseEvent, StreamPart> => pushTransform(decodeEvents)

function* decodeEvents(emit: (part: StreamPart) => void): Generator<void, void, SseEvent | typeof END> {
  const decoder = new ChunkDecoder()
  let isDone = false
  for (let event = yield; event !== END; event = yield) {
    const data = event.data.trim()
    if (data === '[DONE]') {
      isDone = true
      break
    }
    if (data === '') continue
    let chunk: unknown
    try {
      chunk = JSON.parse(data)
    } catch {
      if (event.event === 'error') emit({ type: 'error', kind: 'api_error', message: data })
      else emit({ type: 'error', kind: 'bad_gateway', message: 'upstream sent a stream chunk that is not JSON' })
      return
    }
    if (!isObject(chunk)) continue
    if (event.event === 'error' || (chunk.error !== undefined && chunk.error !== null)) {
      emit({ type: 'error', ...decodeErrorObject(chunk.error ?? chunk) })
      return
    }
    for (const part of decoder.decode(chunk)) emit(part)
  }
  for (const part of decoder.end(isDone)) emit(part)
}

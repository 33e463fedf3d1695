import type { StreamPart } from '../../ir/stream.ts'
import type { SseEvent } from '../../sse/parse-sse.ts'
import { ChunkDecoder } from './chunk-decoder.ts'
import { decodeErrorObject } from './error.ts'
import { isObject } from './narrow.ts'

/**
 * An upstream chat.completion.chunk stream → StreamPart. Comments and pings never reach here (the SSE
 * parser drops comment lines). An error in a data line ends the stream with an error part.
 */
export async function* decodeStream(events: AsyncIterable<SseEvent>): AsyncGenerator<StreamPart> {
  const decoder = new ChunkDecoder()
  let isDone = false
  for await (const event of events) {
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
      if (event.event === 'error') yield { type: 'error', kind: 'api_error', message: data }
      else yield { type: 'error', kind: 'bad_gateway', message: 'upstream sent a stream chunk that is not JSON' }
      return
    }
    if (!isObject(chunk)) continue
    if (event.event === 'error' || (chunk.error !== undefined && chunk.error !== null)) {
      yield { type: 'error', ...decodeErrorObject(chunk.error ?? chunk) }
      return
    }
    yield* decoder.decode(chunk)
  }
  yield* decoder.end(isDone)
}

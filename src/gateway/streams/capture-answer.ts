import type { ChatResponse } from '../../ir/index.ts'
import { responseOfParts } from '../../ir/response-parts.ts'
import type { BackendCodec } from '../../protocols/backend-codec.ts'
import { SseParser } from '../../sse/parse-sse.ts'
import type { Redactor } from '../redact-secrets.ts'
import type { StreamEnd, StreamTransform } from './open-stream.ts'

/** A longer stream is relayed as usual but not cached: the answer cache stays small. */
const MAX_CAPTURE_BYTES = 2 * 1024 * 1024

/**
 * For the answer cache (SPEC §8): keeps a copy of the upstream's bytes beside any stream transform
 * (what the client gets is untouched) and, when the stream ended complete, decodes them with the
 * backend's codec into the whole answer, which `outcome()` then carries.
 */
export function captureAnswer(inner: StreamTransform, codec: BackendCodec, redactor: Redactor | undefined): StreamTransform {
  let chunks: Uint8Array[] | undefined = []
  let size = 0
  return {
    ...inner,
    push(chunk) {
      if (chunks !== undefined) {
        size += chunk.byteLength
        if (size > MAX_CAPTURE_BYTES) chunks = undefined
        else chunks.push(chunk.slice())
      }
      return inner.push(chunk)
    },
    outcome(): StreamEnd {
      const end = inner.outcome()
      if (!end.isComplete || chunks === undefined) return end
      const answer = answerOfStream(Buffer.concat(chunks).toString('utf8'), codec, redactor)
      chunks = undefined
      return answer === undefined ? end : { ...end, answer }
    },
  }
}

/** A whole upstream stream, as text, into the answer it carried; undefined when it cannot be read whole. */
function answerOfStream(text: string, codec: BackendCodec, redactor: Redactor | undefined): ChatResponse | undefined {
  try {
    const decoder = codec.streamDecoder()
    const parts: ReturnType<typeof decoder.push> = []
    const parser = new SseParser((event) => {
      if (!decoder.isDone) parts.push(...decoder.push(event))
    })
    parser.push(redactor === undefined ? text : redactor.text(text))
    parser.end()
    parts.push(...decoder.end())
    return responseOfParts(parts)
  } catch {
    return undefined
  }
}

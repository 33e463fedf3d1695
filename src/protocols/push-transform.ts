/**
 * A stream transform driven by pushes instead of awaits: each input returns the outputs it produced,
 * synchronously. The translated-stream hot path runs parse → decode → encode per network chunk with no
 * promise hop per event; the async-generator forms (decodeStream/encodeStream) wrap the same code.
 */
export interface PushTransform<I, O> {
  /** The outputs this input produced (none once the transform has finished). May throw. */
  push(input: I): O[]
  /** The outputs owed once the input has ended. */
  end(): O[]
  /** The transform returned early (an error part, [DONE]…): further input is ignored. */
  readonly isDone: boolean
}

/** Passed to a transform body where it waits for input: the input has ended. */
export const END: unique symbol = Symbol('end of input')
export type Input<I> = I | typeof END

/**
 * Builds a PushTransform from a generator body written like a loop over its input:
 * `for (let x = yield; x !== END; x = yield) { …emit(out)… }` then the end-of-input code after the loop.
 */
export function pushTransform<I, O>(body: (emit: (output: O) => void) => Generator<void, void, Input<I>>): PushTransform<I, O> {
  let outputs: O[] = []
  const generator = body((output) => void outputs.push(output))
  let isDone = generator.next().done === true
  const feed = (input: Input<I>): O[] => {
    if (isDone) return []
    outputs = []
    try {
      isDone = generator.next(input).done === true
    } catch (error) {
      isDone = true
      throw error
    }
    return outputs
  }
  return {
    push: (input) => feed(input),
    end: () => feed(END),
    get isDone() {
      return isDone
    },
  }
}

/** The async-generator form of a transform, for callers holding an async iterable (and the tests). */
export async function* transformAsync<I, O>(transform: PushTransform<I, O>, source: AsyncIterable<I>): AsyncGenerator<O> {
  for await (const input of source) {
    yield* transform.push(input)
    if (transform.isDone) return
  }
  yield* transform.end()
}

// Ids as a Responses client sees them.

/** Response ids start with "resp_"; an id from another protocol gets the prefix, a missing one a fallback. */
export function responseIdOf(id: string | undefined): string {
  if (id === undefined || id === '') return 'resp_llmux'
  return id.startsWith('resp_') ? id : `resp_${id}`
}

export type ItemPrefix = 'msg' | 'fc' | 'ctc' | 'rs'

/**
 * An output item's id, derived from the response id and the item's output index: stable for the same
 * answer, unique across answers. The prefix matters: OpenAI rejects a `function_call` input item whose
 * id does not start with "fc", and Codex echoes these ids back on the next turn (SPEC §7.2).
 */
export function itemIdOf(prefix: ItemPrefix, responseId: string, outputIndex: number): string {
  const base = responseId.startsWith('resp_') ? responseId.slice('resp_'.length) : responseId
  return `${prefix}_${base}_${outputIndex}`
}

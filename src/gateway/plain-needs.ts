import type { Needs } from '../routing/needs.ts'

/** Needs of a request that is only text to route (embeddings, legacy completions): its size and model. */
export function plainNeeds(model: string, texts: readonly string[]): Needs {
  let chars = 0
  for (const text of texts) chars += text.length
  return { estimatedTokens: Math.max(1, Math.ceil(chars / 4)), hasImages: false, isThinking: false, model, traits: new Set() }
}

/** The strings of an OpenAI `input`/`prompt` field (token-id arrays count by their length). */
export function textsOf(value: unknown): string[] | undefined {
  if (typeof value === 'string') return [value]
  if (!Array.isArray(value)) return undefined
  if (value.every((item) => typeof item === 'string')) return value
  // Token ids (number[] or number[][]): about one token each.
  if (value.every((item) => typeof item === 'number')) return ['    '.repeat(value.length)]
  if (value.every((item) => Array.isArray(item) && item.every((id) => typeof id === 'number'))) return value.map((ids: number[]) => '    '.repeat(ids.length))
  return undefined
}

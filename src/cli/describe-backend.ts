import type { BackendConfig } from '../config/config.ts'

/** One row of `llmux check`'s backend table. */
export function describeBackend(backend: BackendConfig): string[] {
  const { limits } = backend
  const windows = [
    limits.maxPerMinute && `${limits.maxPerMinute}/min`,
    limits.maxPerHour && `${limits.maxPerHour}/h`,
    limits.maxPer5Hours && `${limits.maxPer5Hours}/5h`,
    limits.maxPerDay && `${limits.maxPerDay}/day`,
  ].filter(Boolean)
  const state = backend.provider.isDisabled ? `off: ${backend.provider.disabledReason ?? 'disabled'}` : backend.isFallback ? 'fallback' : 'ok'
  return [
    String(backend.index),
    backend.id,
    // The wire protocol shows where it is not the type's own: an openai-type backend on the Responses API.
    backend.isEmbeddings ? `${backend.provider.type} (embeddings)` : backend.protocol === 'responses' ? 'openai (responses)' : backend.provider.type,
    String(backend.context),
    backend.vision ? 'yes' : 'no',
    backend.thinking ? 'yes' : 'no',
    windows.join(' ') || '-',
    state,
  ]
}

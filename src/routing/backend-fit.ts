import type { BackendConfig } from '../config/config.ts'
import { cooldownLeftMs } from './cooldowns.ts'
import { formatDuration } from './format-duration.ts'
import type { Needs } from './needs.ts'
import { windowsFull } from '../limits/rate-window.ts'
import { NO_ATTEMPTS, type RoutingState } from './routing-state.ts'

/** Which rule a backend failed. 'limits' (cooldown or a full window) is the only one that passes with time. */
export type ProblemKind =
  | 'disabled'
  | 'purpose'
  | 'tried'
  | 'context'
  | 'vision'
  | 'thinking'
  | 'model'
  | 'traits'
  | 'limits'

export interface Problem {
  kind: ProblemKind
  reason: string
  /** For 'limits': when this problem is over. */
  freesInMs?: number
}

export interface FitContext {
  purpose: 'chat' | 'embeddings'
  exclude?: ReadonlySet<string>
  /** After a context-length failure: only backends with a larger context fit. */
  minContext?: number
  nowMs: number
}

const NO_PROBLEMS: readonly Problem[] = []

/** Every reason this backend cannot take the request now (empty when it fits), permanent ones first. */
export function problemsOf(backend: BackendConfig, needs: Needs, state: RoutingState, context: FitContext): readonly Problem[] {
  let problems: Problem[] | undefined
  const add = (kind: ProblemKind, reason: string, freesInMs?: number) => (problems ??= []).push({ kind, reason, freesInMs })
  const isNamed = needs.model === backend.id
  if (backend.provider.isDisabled) add('disabled', `provider disabled: ${backend.provider.disabledReason ?? 'no api key'}`)
  if (backend.isEmbeddings !== (context.purpose === 'embeddings')) {
    add('purpose', backend.isEmbeddings ? 'embeddings backend' : 'not an embeddings backend')
  }
  if (context.exclude?.has(backend.id)) add('tried', 'already tried')
  if (backend.context < needs.estimatedTokens) {
    add('context', `context ${backend.context} < estimated ${needs.estimatedTokens} tokens`)
  }
  if (context.minContext !== undefined && backend.context <= context.minContext) {
    add('context', `context ${backend.context} is not larger than ${context.minContext}, which was too small`)
  }
  if (needs.hasImages && !backend.vision) add('vision', 'no vision')
  if (needs.isThinking && !backend.thinking) add('thinking', 'no thinking')
  // A backend named exactly by its id was asked for on purpose: its model_match and `when` do not apply.
  if (!isNamed && backend.matchesModel !== undefined && !backend.matchesModel(needs.model)) {
    add('model', `model_match ${JSON.stringify(backend.modelMatch)} does not match ${JSON.stringify(needs.model)}`)
  }
  if (!isNamed && backend.when.some((trait) => !needs.traits.has(trait))) {
    add('traits', `reserved for traits: ${backend.when.join(', ')}`)
  }
  const coolingMs = cooldownLeftMs(state.cooldowns, backend.id, context.nowMs)
  if (coolingMs > 0) add('limits', `cooling down for ${formatDuration(coolingMs)}`, coolingMs)
  for (const use of windowsFull(backend.limits, state.attempts.get(backend.id) ?? NO_ATTEMPTS, context.nowMs)) {
    add('limits', `${use.name} full (${use.count}/${use.limit}), frees in ${formatDuration(use.freesInMs)}`, use.freesInMs)
  }
  return problems ?? NO_PROBLEMS
}

/** The line `llmux route` prints: the permanent reasons, else the temporary ones. */
export function reasonOf(problems: readonly Problem[]): string {
  const permanent = problems.filter((problem) => problem.kind !== 'limits')
  return (permanent.length > 0 ? permanent : problems).map((problem) => problem.reason).join('; ')
}

/** When every problem is a limit: the ms until all have passed. Otherwise undefined. */
export function freesInMsOf(problems: readonly Problem[]): number | undefined {
  let freesInMs = 0
  for (const problem of problems) {
    if (problem.kind !== 'limits') return undefined
    freesInMs = Math.max(freesInMs, problem.freesInMs ?? 0)
  }
  return freesInMs
}

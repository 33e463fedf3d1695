import type { BackendConfig } from '../config/config.ts'

/**
 * The plain model name `llmux codex` asks for when the user picks none (SPEC §2). It is routed by llmux's
 * rules like any plain name, and listed in the catalog below so that Codex, which takes llmux's catalog as
 * the whole truth, still knows it (and so offers apply_patch for it).
 */
export const CODEX_ROUTED_MODEL = 'gpt-5.5'

/**
 * GET /v1/models as Codex asks for it (`?client_version=…`): its own catalog shape, `{ models: [...] }`
 * (SPEC §4, §7.2), one entry per name a client may ask for: each backend's "provider:model" id, and each
 * literal name in its `model_match` (a name like "gpt-5.5" that people route to it). The context window is
 * the backend's real one; apply_patch is offered freeform and the shell as `exec_command`, as Codex does for
 * its own models; reasoning levels only where the backend thinks.
 *
 * When no backend names CODEX_ROUTED_MODEL literally but some accept it (no `model_match`, or a glob that
 * matches it), it comes first, as the name llmux routes: the largest context window among those backends
 * (llmux moves a conversation that outgrows one to a larger one), reasoning and images when any of them has
 * them. Codex picks the first entry as its default when nothing chooses a model.
 */
export function codexCatalog(backends: readonly BackendConfig[]): { models: Record<string, unknown>[] } {
  const seen = new Set<string>()
  const models: Record<string, unknown>[] = []
  for (const backend of backends) {
    for (const slug of [backend.id, ...backend.modelMatch.filter(isLiteral)]) {
      if (seen.has(slug)) continue
      seen.add(slug)
      models.push(entryOf(slug, traitsOf(backend)))
    }
  }
  const accepting = backends.filter((backend) => backend.matchesModel === undefined || backend.matchesModel(CODEX_ROUTED_MODEL))
  if (!seen.has(CODEX_ROUTED_MODEL) && accepting.length > 0) {
    models.unshift(entryOf(CODEX_ROUTED_MODEL, {
      description: `any of ${accepting.map((backend) => backend.id).join(', ')}, as llmux routes it`,
      context: Math.max(...accepting.map((backend) => backend.context)),
      thinking: accepting.some((backend) => backend.thinking),
      vision: accepting.some((backend) => backend.vision),
    }))
  }
  return { models: models.map((model, priority) => ({ ...model, priority })) }
}

interface EntryTraits {
  description: string
  context: number
  thinking: boolean
  vision: boolean
}

const traitsOf = (backend: BackendConfig): EntryTraits => ({
  description: `${backend.id} through llmux`,
  context: backend.context,
  thinking: backend.thinking,
  vision: backend.vision,
})

const isLiteral = (glob: string) => !/[*?[\]{}!]/.test(glob)

/**
 * Codex takes its whole system prompt from a served catalog entry: with none it sends no instructions at
 * all (observed with 0.171). This is a short one of llmux's own, naming the tools Codex offers.
 */
const BASE_INSTRUCTIONS = `You are Codex, a coding agent working in the user's workspace through the Codex CLI.
Work autonomously until the task is done: inspect files, run commands with the exec_command tool, and edit
files with the apply_patch tool (a freeform patch: "*** Begin Patch", then "*** Add File: <path>", "*** Update File: <path>"
or "*** Delete File: <path>" hunks, then "*** End Patch"; never wrap the patch in JSON). Keep changes small and focused,
check your work by running it, and finish with a short summary of what you changed and how you checked it.`

const LEVELS = [
  { effort: 'low', description: 'Fast responses with lighter reasoning' },
  { effort: 'medium', description: 'Balances speed and reasoning depth' },
  { effort: 'high', description: 'Greater reasoning depth' },
]

function entryOf(slug: string, traits: EntryTraits): Record<string, unknown> {
  return {
    slug,
    display_name: slug,
    description: traits.description,
    default_reasoning_level: traits.thinking ? 'medium' : null,
    supported_reasoning_levels: traits.thinking ? LEVELS : [],
    shell_type: 'shell_command',
    visibility: 'list',
    supported_in_api: true,
    priority: 0,
    upgrade: null,
    base_instructions: BASE_INSTRUCTIONS,
    supports_reasoning_summaries: traits.thinking,
    support_verbosity: false,
    default_verbosity: null,
    apply_patch_tool_type: 'freeform',
    truncation_policy: { mode: 'tokens', limit: 10_000 },
    supports_parallel_tool_calls: true,
    context_window: traits.context,
    experimental_supported_tools: [],
    input_modalities: traits.vision ? ['text', 'image'] : ['text'],
    prefer_websockets: false,
  }
}

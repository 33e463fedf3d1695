import type { BackendConfig } from '../config/config.ts'

/**
 * GET /v1/models as Codex asks for it (`?client_version=…`): its own catalog shape, `{ models: [...] }`
 * (SPEC §4, §7.2), one entry per name a client may ask for: each backend's "provider:model" id, and each
 * literal name in its `model_match` (a name like "gpt-5.5" that people route to it). The context window is
 * the backend's real one; apply_patch is offered freeform and the shell as `exec_command`, as Codex does for
 * its own models; reasoning levels only where the backend thinks.
 */
export function codexCatalog(backends: readonly BackendConfig[]): { models: Record<string, unknown>[] } {
  const seen = new Set<string>()
  const models: Record<string, unknown>[] = []
  for (const backend of backends) {
    for (const slug of [backend.id, ...backend.modelMatch.filter(isLiteral)]) {
      if (seen.has(slug)) continue
      seen.add(slug)
      models.push(entryOf(slug, backend, models.length))
    }
  }
  return { models }
}

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

function entryOf(slug: string, backend: BackendConfig, priority: number): Record<string, unknown> {
  return {
    slug,
    display_name: slug,
    description: `${backend.id} through llmux`,
    default_reasoning_level: backend.thinking ? 'medium' : null,
    supported_reasoning_levels: backend.thinking ? LEVELS : [],
    shell_type: 'shell_command',
    visibility: 'list',
    supported_in_api: true,
    priority,
    upgrade: null,
    base_instructions: BASE_INSTRUCTIONS,
    supports_reasoning_summaries: backend.thinking,
    support_verbosity: false,
    default_verbosity: null,
    apply_patch_tool_type: 'freeform',
    truncation_policy: { mode: 'tokens', limit: 10_000 },
    supports_parallel_tool_calls: true,
    context_window: backend.context,
    experimental_supported_tools: [],
    input_modalities: backend.vision ? ['text', 'image'] : ['text'],
    prefer_websockets: false,
  }
}

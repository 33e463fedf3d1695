// The commented config `llmux init` writes. config.example.toml is the one source: Bun embeds it as text
// at build time, so the compiled binary carries it too.
import text from '../../config.example.toml' with { type: 'text' }

export const starterConfig: string = text

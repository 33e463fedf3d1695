/** Types for install.mjs (plain Node so it runs before any dependency is installed). */
export declare const CLAUDE_CODE_VERSION: string
export declare const installDir: string
/** The installed `claude` binary at the pinned version, or undefined. */
export declare function findClaude(): string | undefined
/** Installs when needed; returns the binary's path. */
export declare function ensureClaude(): string

/** Types for install.mjs (plain Node so it runs before any dependency is installed). */
export declare const CODEX_VERSION: string
export declare const installDir: string
/** The installed `codex` binary at the pinned version, or undefined. */
export declare function findCodex(): string | undefined
/** Installs when needed; returns the binary's path. */
export declare function ensureCodex(): string

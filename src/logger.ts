/** Plain log lines with millisecond timestamps. Never given headers or bodies, so keys cannot leak through it. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error'

const rank: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 }

export interface Logger {
  /** --verbose: routing decisions, upstream URLs and timings. */
  readonly isVerbose: boolean
  /** Info lines are written: callers skip building them otherwise (they run on every request). */
  readonly isInfo: boolean
  debug(message: string): void
  info(message: string): void
  warn(message: string): void
  error(message: string): void
}

/**
 * Lines written in one turn of the event loop go out in one write: under load that is one syscall for
 * many requests instead of two per request. Flushed before the process exits.
 */
function batchedStdout(): (line: string) => void {
  let pending = ''
  const flush = () => {
    if (pending === '') return
    const text = pending
    pending = ''
    process.stdout.write(text)
  }
  process.once('exit', flush)
  return (line) => {
    if (pending === '') setImmediate(flush)
    pending += line
  }
}

export function createLogger(
  level: LogLevel,
  options: { isVerbose?: boolean; write?: (line: string) => void; now?: () => number } = {},
): Logger {
  const write = options.write ?? batchedStdout()
  const now = options.now ?? Date.now
  const min = options.isVerbose ? 0 : rank[level]
  const at = (lvl: LogLevel) => (message: string) => {
    if (rank[lvl] >= min) write(`${new Date(now()).toISOString()} ${lvl === 'info' ? '' : `${lvl.toUpperCase()} `}${message}\n`)
  }
  return { isVerbose: options.isVerbose ?? false, isInfo: min <= rank.info, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') }
}

export const silentLogger: Logger = { isVerbose: false, isInfo: false, debug() {}, info() {}, warn() {}, error() {} }

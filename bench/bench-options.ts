/** Command-line flags of bench/run.ts. */

export interface BenchOptions {
  /** Seconds of load per wrk run. */
  durationS: number
  /** Runs per target per step, the target order turned each round; figures are medians over rounds. */
  rounds: number
  warmupS: number
  concurrencies: number[]
  /** Slow streams held open for the memory figure. */
  streamCount: number
  /** Sequential streams per target for time to first byte. */
  ttfbCount: number
  startupRuns: number
  /** BUN_CONFIG_MAX_HTTP_REQUESTS for forwarder and llmux (Bun's fetch runs 256 at a time by default). */
  maxHttpRequests?: number
  isLlmuxSkipped: boolean
  outPath?: string
}

export const USAGE = `bun bench/run.ts [flags]
  --quick                 about 2 minutes: 1 s runs, 1 round, fewer samples
  --duration 2s           load per wrk run, whole seconds (default 2s; --quick 1s)
  --rounds 3              runs per target per step, order turned each round (default 3; --quick 1)
  --concurrency 1,16,64,256
  --streams 1000          slow streams held open for the memory figure
  --ttfb 200              sequential streams per target for time to first byte (--quick 60)
  --startup-runs 5        start-ups timed per server (--quick 3)
  --max-http-requests N   set BUN_CONFIG_MAX_HTTP_REQUESTS for forwarder and llmux (Bun's default: 256)
  --skip-llmux            bench only the mock and the bare forwarder
  --out FILE              JSON results (default bench/results/<time>.json)`

/** Whole seconds (wrk takes no fractions): "3s", "3" or "1m". */
function seconds(text: string): number {
  const value = Number.parseInt(text, 10) * (text.endsWith('m') ? 60 : 1)
  if (!Number.isInteger(value) || value <= 0) throw new Error(`--duration: expected whole seconds like 3s, got "${text}"`)
  return value
}

function positiveInteger(text: string, flag: string): number {
  const value = Number(text)
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${flag}: expected a positive integer, got "${text}"`)
  return value
}

export function parseBenchOptions(argv: string[]): BenchOptions {
  const isQuick = argv.includes('--quick')
  const options: BenchOptions = {
    durationS: isQuick ? 1 : 2,
    rounds: isQuick ? 1 : 3,
    warmupS: 1,
    concurrencies: [1, 16, 64, 256],
    streamCount: 1000,
    ttfbCount: isQuick ? 60 : 200,
    startupRuns: isQuick ? 3 : 5,
    isLlmuxSkipped: false,
  }
  for (let index = 0; index < argv.length; index++) {
    const flag = argv[index]
    const value = () => argv[++index] ?? ''
    if (flag === '--quick') continue
    else if (flag === '--duration') options.durationS = seconds(value())
    else if (flag === '--rounds') options.rounds = positiveInteger(value(), flag)
    else if (flag === '--concurrency') options.concurrencies = value().split(',').map((text) => positiveInteger(text, flag))
    else if (flag === '--streams') options.streamCount = positiveInteger(value(), flag)
    else if (flag === '--ttfb') options.ttfbCount = positiveInteger(value(), flag)
    else if (flag === '--startup-runs') options.startupRuns = positiveInteger(value(), flag)
    else if (flag === '--max-http-requests') options.maxHttpRequests = positiveInteger(value(), flag)
    else if (flag === '--skip-llmux') options.isLlmuxSkipped = true
    else if (flag === '--out') options.outPath = value()
    else throw new Error(`unknown flag ${flag}\n${USAGE}`)
  }
  return options
}

/** Starts `llmux start` as a child process and waits for the line that gives its address. */
import path from 'node:path'

const repoDir = path.resolve(import.meta.dir, '../..')
const LISTENING = /listening on (https?:\/\/[^\s]+)/

export interface RunningLlmux {
  url: string
  /** Everything llmux printed so far, stdout and stderr interleaved as read. */
  output: () => string
  stop: () => Promise<void>
  /** SIGKILL: no drain, no flush, as a crash or an OOM kill would end it. */
  kill9: () => Promise<void>
}

/** Keeps reading a pipe so the child never blocks on a full buffer; calls onText for each piece. */
async function drain(stream: ReadableStream<Uint8Array>, onText: (text: string) => void): Promise<void> {
  const decoder = new TextDecoder()
  for await (const bytes of stream) onText(decoder.decode(bytes, { stream: true }))
}

export async function startLlmux(configPath: string, startTimeoutMs = 20_000): Promise<RunningLlmux> {
  const child = Bun.spawn([process.execPath, 'bin/llmux.ts', 'start', '--config', configPath, '--port', '0'], {
    cwd: repoDir,
    env: { ...process.env, NO_COLOR: '1' },
    stdin: 'ignore',
    stdout: 'pipe',
    stderr: 'pipe',
  })
  let output = ''
  const { promise: listening, resolve, reject } = Promise.withResolvers<string>()
  const onText = (text: string) => {
    output += text
    const match = LISTENING.exec(output)
    if (match) resolve(match[1])
  }
  // Both pipes close when the process ends: then everything it printed has been read.
  void Promise.all([drain(child.stdout, onText), drain(child.stderr, onText)])
    .then(async () => reject(new Error(`llmux exited with ${await child.exited} before listening:\n${output}`)))
  const timer = setTimeout(() => reject(new Error(`llmux printed no "listening on" line in ${startTimeoutMs} ms:\n${output}`)), startTimeoutMs)
  const stop = async () => {
    child.kill('SIGTERM')
    await child.exited
  }
  try {
    const url = (await listening).replace(/\/$/, '')
    if (/:0$/.test(url)) throw new Error(`llmux printed port 0 (${url}): the real port is needed`)
    const kill9 = async () => {
      child.kill('SIGKILL')
      await child.exited
    }
    return { url, output: () => output, stop, kill9 }
  } catch (error) {
    await stop()
    throw error
  } finally {
    clearTimeout(timer)
  }
}

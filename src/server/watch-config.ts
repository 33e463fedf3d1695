import { watch, type FSWatcher } from 'node:fs'
import path from 'node:path'

/**
 * Calls `onChange` once a burst of changes to the file has settled for `debounceMs`. The folder is
 * watched, not the file: editors that save by writing a new file and renaming it over the old one
 * would leave a watch on the file looking at the replaced inode.
 */
export function watchConfig(file: string, onChange: () => void, debounceMs = 200): { close(): void } {
  const name = path.basename(file)
  let timer: ReturnType<typeof setTimeout> | undefined
  const watcher: FSWatcher = watch(path.dirname(path.resolve(file)), (_event, changed) => {
    if (changed !== null && changed !== name) return
    clearTimeout(timer)
    timer = setTimeout(onChange, debounceMs)
  })
  return {
    close() {
      clearTimeout(timer)
      watcher.close()
    },
  }
}

/** A wait for people to read, rounded up: "41s", "12m", "2h 5m". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return 'never'
  const seconds = Math.ceil(ms / 1000)
  if (seconds < 60) return `${seconds}s`
  const minutes = Math.ceil(seconds / 60)
  if (minutes < 60) return `${minutes}m`
  const hours = Math.floor(minutes / 60)
  return minutes % 60 === 0 ? `${hours}h` : `${hours}h ${minutes % 60}m`
}

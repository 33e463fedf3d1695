/** Formats one SSE event. Data must not contain line breaks (JSON.stringify never produces them). */
export function formatSse(data: string, event?: string): string {
  return event === undefined ? `data: ${data}\n\n` : `event: ${event}\ndata: ${data}\n\n`
}

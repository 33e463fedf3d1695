/**
 * The closest candidate to a mistyped word, if one is close enough to be what was meant: at most one
 * edit for short words, two for longer ones; a swap of two neighbours counts as one edit.
 */
export function didYouMean(word: string, candidates: readonly string[]): string | undefined {
  const limit = word.length <= 4 ? 1 : 2
  let best: string | undefined
  let bestDistance = limit + 1
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase())
    if (distance < bestDistance) {
      best = candidate
      bestDistance = distance
    }
  }
  return best
}

/** Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps. */
export function editDistance(a: string, b: string): number {
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i])
  for (let j = 1; j <= b.length; j++) rows[0][j] = j
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      let distance = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        distance = Math.min(distance, rows[i - 2][j - 2] + 1)
      }
      rows[i][j] = distance
    }
  }
  return rows[a.length][b.length]
}

/** ` (did you mean "port"?)`, or nothing. */
export const suggestion = (word: string, candidates: readonly string[]): string => {
  const match = didYouMean(word, candidates)
  return match === undefined ? '' : ` (did you mean "${match}"?)`
}

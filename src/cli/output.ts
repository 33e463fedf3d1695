import type Kleur from 'kleur'

/**
 * Colours only on a terminal and never with NO_COLOR (https://no-color.org). The only place kleur is
 * used. Loaded on first use: kleur reads process.stdout when imported, which costs `llmux start` ~30 ms.
 */
export function colors(stream: { isTTY?: boolean } = process.stdout): typeof Kleur {
  const kleur: typeof Kleur = require('kleur')
  kleur.enabled = Boolean(stream.isTTY) && !process.env.NO_COLOR
  return kleur
}

/** A plain-text table with padded columns; `render` may colour a cell after it is padded. */
export function formatTable(header: string[], rows: string[][], render?: (cell: string, row: number, column: number) => string): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)))
  const line = (cells: string[], row: number) =>
    cells
      .map((cell, column) => {
        const padded = column === cells.length - 1 ? cell : cell.padEnd(widths[column])
        return render && row >= 0 ? render(padded, row, column) : padded
      })
      .join('  ')
      .trimEnd()
  return [line(header, -1), ...rows.map((row, index) => line(row, index))].join('\n')
}

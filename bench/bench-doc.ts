/**
 * Regenerates one benchmark's section of docs/benchmarks.md in place (pino's update-bench-doc):
 * the section sits between `<!-- NAME:start -->` and `<!-- NAME:end -->` (the convention of
 * bench/hooks-overhead.ts); the rest of the document is left as it is.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs'

/** Replaces (or appends) the section `name` of the Markdown document at `path`. */
export function writeBenchSection (path: string, name: string, markdown: string): void {
  const start = `<!-- ${name}:start -->`
  const end = `<!-- ${name}:end -->`
  const block = `${start}\n${markdown.trim()}\n${end}`
  const doc = existsSync(path) ? readFileSync(path, 'utf8') : '# Benchmarks\n'
  const a = doc.indexOf(start)
  const b = doc.indexOf(end)
  const next = a !== -1 && b > a ? doc.slice(0, a) + block + doc.slice(b + end.length) : `${doc.trimEnd()}\n\n${block}\n`
  writeFileSync(path, next)
}

/** A Markdown table. */
export function markdownTable (head: string[], rows: Array<Array<string | number>>): string {
  return [
    `| ${head.join(' | ')} |`,
    `|${head.map(() => '---').join('|')}|`,
    ...rows.map(r => `| ${r.join(' | ')} |`)
  ].join('\n')
}

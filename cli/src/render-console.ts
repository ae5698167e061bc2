/**
 * The console report: cli-table3 tables, then the outcome line and the paths of the files.
 * A pure report → string function; the command prints it.
 */
import Table from 'cli-table3'
import type { SoakReport } from '../../soak/src/report-model.js'
import type { Section, SectionOptions } from './report-sections.js'
import { formatMs, headline, reportSections } from './report-sections.js'

export interface ConsoleOptions extends SectionOptions {
  /** ANSI colours in table heads (only for a TTY). */
  color?: boolean
}

export function renderConsoleReport (report: SoakReport, options: ConsoleOptions = {}): string {
  const out: string[] = []
  for (const section of reportSections(report, options)) out.push(renderSection(section, options.color === true))
  out.push(`harness time beyond load: ${formatMs(report.timings.harnessMs)} (total ${formatMs(report.timings.totalMs)}, load ${formatMs(report.timings.loadMs)})`)
  for (const err of report.errors) out.push(`error ${err.code}: ${err.message}`)
  if (report.target.exit !== null && !report.target.exit.expected) {
    out.push('target stderr (last lines):', ...report.target.exit.stderrTail.map((line) => `  ${line}`))
  }
  out.push('', headline(report), '', `report:    ${report.files.report}`, `markdown:  ${report.files.markdown}`)
  if (report.files.junit !== null) out.push(`junit:     ${report.files.junit}`)
  for (const s of report.heap.snapshots) out.push(`snapshot:  ${s.path}`)
  for (const p of report.files.profiles) out.push(`profile:   ${p}`)
  return `${out.join('\n')}\n`
}

function renderSection (section: Section, color: boolean): string {
  const lines = [section.title]
  if (section.rows.length > 0) {
    const table = new Table({
      head: section.head,
      colAligns: section.align,
      style: { head: color ? ['cyan'] : [], border: color ? ['grey'] : [], compact: true }
    })
    table.push(...section.rows)
    lines.push(table.toString())
  }
  for (const note of section.notes) lines.push(`  ${note}`)
  return `${lines.join('\n')}\n`
}

/**
 * report.md: the same sections as the console, as GitHub-flavoured Markdown, plus how to open
 * the snapshots in Chrome DevTools. Pure report → string.
 */
import type { SoakReport } from '../../soak/src/report-model.js'
import type { Section, SectionOptions } from './report-sections.js'
import { formatMs, headline, reportSections } from './report-sections.js'

export function renderMarkdownReport (report: SoakReport, options: SectionOptions = {}): string {
  const env = report.environment
  const out = [
    `# soakwatch report: ${escapeCell(report.runId)}`,
    '',
    `**${escapeCell(headline(report))}**`,
    '',
    `- target: ${report.target.mode}${report.target.command !== null ? ` \`${report.target.command}\`` : ''}${report.target.devtoolsUrl !== null ? ` (${report.target.devtoolsUrl})` : ''}, load: ${report.protocol.toUpperCase()}`,
    `- started ${report.startedAt}, took ${formatMs(report.durationMs)}; harness time beyond load ${formatMs(report.timings.harnessMs)}`,
    `- Node ${env.node} (V8 ${env.v8}) on ${env.platform} ${env.release} ${env.arch}, ${env.cpuModel}, ${env.cores} cores`,
    ''
  ]
  for (const section of reportSections(report, options)) out.push(...renderSection(section))
  if (report.errors.length > 0) {
    out.push('## Errors', '', ...report.errors.map((e) => `- \`${e.code}\`: ${escapeCell(e.message)}`), '')
  }
  if (report.target.exit !== null && !report.target.exit.expected) {
    out.push('## Target stderr (last lines)', '', '```', ...report.target.exit.stderrTail, '```', '')
  }
  out.push('## Files', '', `- report: \`${report.files.report}\``)
  for (const s of report.heap.snapshots) out.push(`- ${s.phase} snapshot: \`${s.path}\``)
  for (const p of report.files.profiles) out.push(`- profile: \`${p}\``)
  if (report.heap.snapshots.length > 0) {
    out.push('', 'Open the snapshots in Chrome DevTools: Memory tab → Load → pick the baseline and the final snapshot → Comparison view.')
  }
  return `${out.join('\n')}\n`
}

function renderSection (section: Section): string[] {
  const out = [`## ${section.title}`, '']
  if (section.rows.length > 0) {
    out.push(`| ${section.head.map(escapeCell).join(' | ')} |`)
    out.push(`|${section.align.map((a) => a === 'right' ? ' ---: ' : ' --- ').join('|')}|`)
    for (const row of section.rows) out.push(`| ${row.map(escapeCell).join(' | ')} |`)
    out.push('')
  }
  for (const note of section.notes) out.push(`_${escapeCell(note)}_`, '')
  return out
}

/** Pipes split cells and newlines end rows; `*_` and backticks would start formatting. */
function escapeCell (text: string): string {
  return text.replace(/[\\|*_`]/g, '\\$&').replace(/\r?\n/g, ' ')
}

/**
 * JUnit XML for CI: one test case per verdict category (failed, passed, or skipped when not
 * measured), an error case when the run itself failed, and one when the load did not reach
 * the target (inconclusive), so a CI dashboard shows which category leaked and why — and never
 * shows green for a run that proved nothing. Pure report → string.
 */
import type { CategoryVerdict } from '../../diagnosis/src/verdict.js'
import type { SoakReport } from '../../soak/src/report-model.js'
import { displaySite } from './report-sections.js'

export function renderJunitReport (report: SoakReport): string {
  const cases = report.verdict.categories.map((c) => testCase(c))
  if (report.errors.length > 0 || report.interruption !== null) {
    const message = report.errors.map((e) => `${e.code}: ${e.message}`).join('\n') || (report.interruption ?? '')
    const stderr = report.target.exit?.stderrTail.join('\n') ?? ''
    cases.push(`    <testcase classname="soakwatch.run" name="run completes" time="${seconds(report.durationMs)}">\n` +
      `      <error message="${attr(firstLine(message))}">${text(message)}</error>\n` +
      (stderr !== '' ? `      <system-err>${text(stderr)}</system-err>\n` : '') +
      '    </testcase>')
  }
  if (report.verdict.inconclusive !== null) {
    const reason = report.verdict.inconclusive
    cases.push(`    <testcase classname="soakwatch.run" name="load reached the target" time="${seconds(report.timings.loadMs)}">\n` +
      `      <error message="${attr(firstLine(reason))}" type="inconclusive">${text(reason)}</error>\n` +
      '    </testcase>')
  }
  const failures = report.verdict.categories.filter((c) => c.status === 'fail').length
  const skipped = report.verdict.categories.filter((c) => c.status === 'not-measured').length
  const errors = cases.length - report.verdict.categories.length
  return '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<testsuites name="soakwatch" tests="${cases.length}" failures="${failures}" errors="${errors}" skipped="${skipped}" time="${seconds(report.durationMs)}">\n` +
    `  <testsuite name="soakwatch ${attr(report.runId)}" tests="${cases.length}" failures="${failures}" errors="${errors}" skipped="${skipped}" timestamp="${attr(report.startedAt)}" time="${seconds(report.durationMs)}">\n` +
    `${cases.join('\n')}\n` +
    '  </testsuite>\n' +
    '</testsuites>\n'
}

function testCase (c: CategoryVerdict): string {
  const open = `    <testcase classname="soakwatch.leak" name="${attr(c.category)}" time="0">`
  if (c.status === 'not-measured') return `${open}\n      <skipped message="${attr(c.reason)}"/>\n    </testcase>`
  if (c.status === 'pass') return `${open}</testcase>`
  return `${open}\n      <failure message="${attr(c.reason)}" type="leak">${text(evidence(c))}</failure>\n    </testcase>`
}

function evidence (c: CategoryVerdict): string {
  const e = c.evidence
  if (e === null) return c.reason
  switch (e.category) {
    case 'socket':
    case 'timer':
      return e.groups.filter((g) => g.allowedBy === null).map((g) => `${g.count} × ${g.type} created at ${displaySite(g)}`).join('\n')
    case 'lifecycle':
      return e.openSessions.map((s) => `${s.nick ?? `conn ${s.conn}`} (${s.remote}) never closed`).join('\n') || e.clientsNotClosed.join('\n')
    case 'heap':
      return e.findings.filter((f) => f.allowedBy === null).map((f) => `${f.label}: ${f.detail}`).join('\n')
  }
}

function seconds (ms: number): string {
  return (ms / 1000).toFixed(3)
}

function firstLine (s: string): string {
  return s.split('\n')[0] ?? ''
}

/** XML 1.0 forbids most control characters even when escaped; drop them. */
function text (s: string): string {
  return s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

function attr (s: string): string {
  return text(s).replace(/"/g, '&quot;').replace(/\n/g, '&#10;')
}

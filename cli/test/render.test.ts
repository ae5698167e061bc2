import { describe, expect, it } from 'vitest'
import { renderConsoleReport } from '../src/render-console.js'
import { renderJunitReport } from '../src/render-junit.js'
import { renderMarkdownReport } from '../src/render-markdown.js'
import { formatBytes } from '../src/render-heap-comparison.js'
import { displaySite } from '../src/report-sections.js'
import { buildReport } from '../../soak/src/report-model.js'
import { cleanReport, leakyObservations, leakyReport, root } from './helper.js'
import type { Observations } from '../../soak/src/report-model.js'
import { comparison, suspect } from '../../soak/test/helper.js'
import { applyOverrides, defaultVerdictConfig } from '../../diagnosis/src/verdict-config.js'

describe('console report', () => {
  it('shows every table, the leaked resources by creation site, the outcome and the file paths', () => {
    const text = renderConsoleReport(leakyReport(), { root })
    for (const title of ['Load (IRC)', 'Load reached the target', 'Handles: baseline vs end', 'Leaked resources by creation site', 'Lifecycle', 'Heap used after GC', 'Verdict']) {
      expect(text).toContain(`${title}\n`)
    }
    expect(text).toMatch(/│ socket\s+│ TCPWRAP\s+│\s+2 │\s+2 │ server\.js:27:8 \(its server's listen\)\s+│ 127\.0\.0\.1:4000 ↔ 127\.0\.0\.1:50001 │/)
    expect(text).toMatch(/│ timer\s+│ Timeout\s+│\s+1 │\s+1 │ server\.js:16:21\s+│ every 60000 ms/)
    expect(text).toContain('sessions never closed by the server: c1')
    expect(text).toContain('harness time beyond load: 6000 ms')
    expect(text).toContain('LEAK: socket: 2 leaked sockets from 1 creation site, threshold 0; timer: 1 leaked timer')
    expect(text).toContain(`snapshot:  ${root}/profiles/run-1/baseline.heapsnapshot`)
    expect(text).not.toContain('\u001b[')
  })

  it('says CLEAN and lists no leaks on a clean run', () => {
    const text = renderConsoleReport(cleanReport())
    expect(text).toContain('none: everything created after the baseline was gone at the end')
    expect(text).toContain('CLEAN:')
  })

  it('shows the target\'s last stderr lines and the error when the target crashed', () => {
    const o = leakyObservations()
    o.errors = [{ code: 'SW_DIAG_TARGET_EXITED', message: 'target exited (SIGABRT) during round 1' }]
    o.target = { ...o.target, exit: { code: null, signal: 'SIGABRT', expected: false, stderrTail: ['FATAL ERROR: heap limit'] } }
    const text = renderConsoleReport(buildReport(o))
    expect(text).toContain('ERROR: target exited (SIGABRT) during round 1')
    expect(text).toContain('  FATAL ERROR: heap limit')
  })
})

describe('heap sections', () => {
  const socketPaths = [{ path: '(GC roots) → global.server → Server.sessions → Map → Session.socket → Socket', count: 2, sampled: 2, ids: [5] }]
  const heapReport = (allow: string[] = []): ReturnType<typeof buildReport> => {
    const o = leakyObservations()
    o.verdictConfig = applyOverrides(defaultVerdictConfig(), { allowConstructors: allow })
    const p = o.processes[0]!
    p.heapComparison = comparison([
      suspect('Session'),
      suspect('Cache', { verdict: 'bounded', survivorsByRound: [{ count: 50, selfSize: 10 }, { count: 0, selfSize: 0 }, { count: 0, selfSize: 0 }] })
    ], { Socket: socketPaths })
    return buildReport(o)
  }
  const withoutSnapshots = (): Observations => {
    const o = leakyObservations()
    o.processes[0]!.snapshots = []
    return o
  }

  it('lists the suspects with survivors per round and per client, and what holds them', () => {
    const text = renderConsoleReport(heapReport(), { root })
    expect(text).toContain('Heap: allocated during the rounds and still alive')
    expect(text).toMatch(/│ Session │ leak\s+│\s+20 \/ 20 \/ 20 │\s+1\.00 │\s+100 B │\s+8\.8 KiB │/)
    expect(text).toMatch(/│ Cache\s+│ bounded │\s+50 \/ 0 \/ 0 │/)
    expect(text).toContain('(GC roots) → global.server → Server.sessions → Map → Session')
    // The leaked socket's creation site next to what holds its JS object.
    expect(text).toMatch(/│ TCPWRAP from server\.js:27:8 \(its server's listen\) │ 2\/2 Socket │ \(GC roots\) → global\.server → Server\.sessions → Map → Session\.socket → Socket │/)
  })

  it('marks allowlisted classes, and says why there is no heap evidence', () => {
    expect(renderConsoleReport(heapReport(['Sess*']), { root })).toMatch(/│ Session │ leak \(allowed\)/)
    expect(renderConsoleReport(leakyReport())).toContain('not compared (the run did not finish its rounds)')
    expect(renderConsoleReport(buildReport(withoutSnapshots()))).toContain('not measured (no heap snapshots)')
  })
})

describe('report.md', () => {
  it('renders the same sections as Markdown tables with a constant column count, escaping cell text', () => {
    const md = renderMarkdownReport(leakyReport(), { root })
    expect(md).toContain('## Leaked resources by creation site')
    expect(md).toContain('| socket | TCPWRAP | 2 | 2 | server.js:27:8 (its server\'s listen) |')
    expect(md).toContain('Memory tab → Load')
    for (const table of md.split('\n\n').filter((block) => block.startsWith('|'))) {
      const widths = table.split('\n').map((row) => row.replace(/\\\|/g, '').split('|').length)
      expect(new Set(widths).size, table).toBe(1)
    }
  })
})

describe('JUnit XML', () => {
  it('has one case per category: failures with evidence, skipped when not measured', () => {
    const xml = renderJunitReport(leakyReport())
    expect(xml).toMatch(/^<\?xml version="1\.0" encoding="UTF-8"\?>\n<testsuites name="soakwatch" tests="4" failures="3" errors="0" skipped="1"/)
    expect(xml).toContain('<testcase classname="soakwatch.leak" name="socket" time="0">\n      <failure message="2 leaked sockets from 1 creation site, threshold 0" type="leak">2 × TCPWRAP created at /srv/app/server.js:27:8 (its server&apos;s listen)</failure>'.replace('&apos;', "'"))
    expect(xml).toContain('<skipped message="no heap comparison in this run"/>')
  })

  it('passes every measured category on a clean run', () => {
    expect(renderJunitReport(cleanReport())).toMatch(/tests="4" failures="0" errors="0" skipped="1"/)
  })

  it('adds an error case for a failed run and escapes XML', () => {
    const o = leakyObservations()
    o.errors = [{ code: 'SW_X', message: 'bad <thing> & "quote"\u0001' }]
    const xml = renderJunitReport(buildReport(o))
    expect(xml).toContain('errors="1"')
    expect(xml).toContain('<error message="SW_X: bad &lt;thing&gt; &amp; &quot;quote&quot;">SW_X: bad &lt;thing&gt; &amp; "quote"</error>')
  })
})

describe('formatting helpers', () => {
  it('formats sizes and sites', () => {
    expect(formatBytes(512)).toBe('512 B')
    expect(formatBytes(4_500_000)).toBe('4.3 MiB')
    expect(displaySite({ site: null, siteSource: 'none', siteInDependency: false })).toBe('(unknown: no JS frames)')
    expect(displaySite({ site: '/x/node_modules/ws/a.js:1:1', siteSource: 'stack', siteInDependency: true }, '/y')).toBe('/x/node_modules/ws/a.js:1:1 [dependency]')
  })
})

import { describe, expect, it } from 'vitest'
import { buildReport, REPORT_SCHEMA } from '../src/report-model.js'
import { cleanReport, leakyObservations, leakyReport } from '../../cli/test/helper.js'
import { comparison, suspect } from './helper.js'

describe('buildReport', () => {
  it('decides the verdict from the observations and records the evidence', () => {
    const report = leakyReport()
    expect(report.schema).toBe(REPORT_SCHEMA)
    expect(report.outcome).toBe('leak')
    expect(report.verdict.categories.map((c) => [c.category, c.status, c.counted])).toEqual([
      ['socket', 'fail', 2], ['timer', 'fail', 1], ['lifecycle', 'fail', 1], ['heap', 'not-measured', 0]
    ])
    expect(report.handles?.leaked.map((g) => [g.type, g.count])).toEqual([['TCPWRAP', 2], ['Timeout', 1]])
    expect(report.lifecycle?.openSessions.map((s) => s.nick)).toEqual(['c1'])
    expect(report.heap.usedAfterGc).toEqual([{ phase: 'baseline', bytes: 4_000_000 }, { phase: 'round 1', bytes: 4_500_000 }])
  })

  it('separates the harness\'s own time from the load phases', () => {
    expect(leakyReport().timings).toEqual({ totalMs: 10_000, loadMs: 4000, harnessMs: 6000, phases: expect.any(Array) })
  })

  it('is clean when nothing leaked', () => {
    const report = cleanReport()
    expect(report.outcome).toBe('clean')
    expect(report.verdict.reasons).toEqual([])
  })

  it('marks a run that failed or was interrupted as a partial error, keeping what it saw', () => {
    const crashed = { ...leakyObservations(), errors: [{ code: 'SW_DIAG_TARGET_EXITED', message: 'target exited (SIGSEGV) during load' }] }
    crashed.processes[0]!.ends = []
    const report = buildReport(crashed)
    expect(report).toMatchObject({ outcome: 'error', partial: true, handles: null })
    expect(report.verdict.categories[0]?.status).toBe('not-measured')
    expect(buildReport({ ...leakyObservations(), interruption: 'SIGINT' })).toMatchObject({ outcome: 'error', interruption: 'SIGINT' })
  })

  it('judges the heap from the comparison, and links each leaked handle to what holds its JS object', () => {
    const socketPaths = [{ path: '(GC roots) → global.server → Server.sessions → Map → Session.socket → Socket', count: 2, sampled: 2, ids: [5, 7] }]
    const heap = comparison([suspect('Session'), suspect('Cache', { verdict: 'bounded' })], { Socket: socketPaths })
    const o = leakyObservations()
    o.processes[0]!.heapComparison = heap
    const report = buildReport(o)
    expect(report.verdict.categories.find((c) => c.category === 'heap')).toMatchObject({ status: 'fail', found: 1 })
    expect(report.heap.findings?.map((f) => [f.label, f.leak])).toEqual([['Session', true], ['Cache', false]])
    expect(report.processes[0]?.heap.comparison).toBe(heap)
    expect(report.handles?.leaked.map((g) => [g.type, g.heapClass, g.retainerPaths])).toEqual([['TCPWRAP', 'Socket', socketPaths], ['Timeout', 'Timeout', []]])
    expect(leakyReport().handles?.leaked[0]?.retainerPaths).toEqual([])
  })

  it('adds the orchestrator\'s warnings to the verdict\'s', () => {
    const report = buildReport({ ...leakyObservations(), warnings: ['the lifecycle log lagged'] })
    expect(report.verdict.warnings).toContain('the lifecycle log lagged')
  })

  it('round-trips through JSON unchanged', () => {
    const report = leakyReport()
    expect(JSON.parse(JSON.stringify(report))).toEqual(report)
  })
})

import { describe, expect, it } from 'vitest'
import { buildReport, REPORT_SCHEMA } from '../src/report-model.js'
import { cleanReport, leakyObservations, leakyReport } from '../../cli/test/helper.js'

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
    const crashed = { ...leakyObservations(), end: undefined, errors: [{ code: 'SW_DIAG_TARGET_EXITED', message: 'target exited (SIGSEGV) during load' }] }
    const report = buildReport(crashed)
    expect(report).toMatchObject({ outcome: 'error', partial: true, handles: null })
    expect(report.verdict.categories[0]?.status).toBe('not-measured')
    expect(buildReport({ ...leakyObservations(), interruption: 'SIGINT' })).toMatchObject({ outcome: 'error', interruption: 'SIGINT' })
  })

  it('round-trips through JSON unchanged', () => {
    const report = leakyReport()
    expect(JSON.parse(JSON.stringify(report))).toEqual(report)
  })
})

import { describe, expect, it } from 'vitest'
import { soakReport, heapComparisonOf } from './helper.js'

// No false positives: the clean bundled server, soaked again and again with clients leaving in
// every style, passes every category each time — handles, lifecycle and heap.
const RUNS = 5

describe('the clean bundled server', () => {
  it(`passes every category in ${RUNS} repeated soaks`, async () => {
    for (let run = 1; run <= RUNS; run++) {
      const { report } = await soakReport({ kind: 'bundled', leaks: [] })
      const summary = `run ${run}: ${report.verdict.reasons.join('; ')} ${report.verdict.warnings.join('; ')} ${report.errors.map((e) => e.message).join('; ')}`
      expect(report.outcome, summary).toBe('clean')
      expect(report.verdict.categories.map((c) => c.status), summary).toEqual(['pass', 'pass', 'pass', 'pass'])
      expect(report.verdict.warnings, summary).toEqual([])
      expect(report.handles?.leaked, summary).toEqual([])
      // Every client the server saw closed on both sides, and nothing was lost.
      expect(report.lifecycle).toMatchObject({ mode: 'matched', openSessions: [], clientsNotClosed: [], clientsWithoutSession: [] })
      expect(report.lifecycle?.server?.opened).toBe(report.lifecycle?.clients.connected)
      expect(report.load?.irc?.lost).toBe(0)
      expect(heapComparisonOf(report)?.verdict).not.toBe('leak')
    }
  })
})

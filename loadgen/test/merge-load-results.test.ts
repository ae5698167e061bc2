import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { mergeLoadResults } from '../src/merge-load-results.js'
import { decodeHistogram } from '../src/histograms.js'
import { parseLoadResult } from '../src/load-result.js'
import type { LoadOutcome, LoadResult } from '../src/load-result.js'
import { LoadResultFormatError } from '../src/errors.js'
import { fakeResult, histogramOf } from './helper.js'

const latency = fc.integer({ min: 0, max: 5_000_000 })
const outcome = fc.constantFrom<LoadOutcome>('complete', 'stopped', 'target-unreachable', 'target-lost', 'worker-failed')

/** Arbitrary worker results of one run. */
const workerResult = fc.record({
  worker: fc.nat({ max: 7 }),
  outcome,
  clients: fc.nat({ max: 1000 }),
  sent: fc.nat({ max: 10_000 }),
  expected: fc.nat({ max: 100_000 }),
  unique: fc.nat({ max: 100_000 }),
  duplicates: fc.nat({ max: 100 }),
  fanout: fc.array(latency, { maxLength: 50 }),
  connect: fc.array(latency, { maxLength: 10 }),
  errors: fc.dictionary(fc.constantFrom('ECONNRESET', 'numeric-433', 'garbage', 'join-timeout'), fc.nat({ max: 50 })),
  series: fc.array(fc.nat({ max: 100 }), { maxLength: 30 }),
  rooms: fc.uniqueArray(fc.record({ room: fc.nat({ max: 5 }), members: fc.nat({ max: 10 }), sent: fc.nat({ max: 99 }), expected: fc.nat({ max: 999 }), unique: fc.nat({ max: 999 }) }), { selector: r => r.room, maxLength: 3 })
}).map(p => fakeResult(p))

/** Comparable form: the JSON without key-order effects (keys sorted). */
function canonical (r: LoadResult): unknown {
  return JSON.parse(JSON.stringify(r, (_k, v: unknown) => (v !== null && typeof v === 'object' && !Array.isArray(v)
    ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
    : v)))
}

describe('mergeLoadResults', () => {
  it('gives the same percentiles as one histogram fed every sample (exact, not approximate)', () => {
    fc.assert(fc.property(fc.array(fc.array(latency, { maxLength: 200 }), { minLength: 1, maxLength: 6 }), parts => {
      const merged = mergeLoadResults(parts.map(fanout => fakeResult({ fanout })))
      const whole = histogramOf(parts.flat())
      expect(merged.latency.fanout).toEqual(whole)
      const h = decodeHistogram(merged.latency.fanout)
      expect(h.totalCount).toBe(parts.flat().length)
    }), { numRuns: 30 })
  })

  it('adds every count, recomputes loss from the sums and reports the worst outcome', () => {
    fc.assert(fc.property(fc.array(workerResult, { minLength: 1, maxLength: 5 }), results => {
      const m = mergeLoadResults(results)
      const sum = (f: (r: LoadResult) => number): number => results.reduce((n, r) => n + f(r), 0)
      expect(m.messages.sent).toBe(sum(r => r.messages.sent))
      expect(m.messages.expected).toBe(sum(r => r.messages.expected))
      expect(m.messages.unique).toBe(sum(r => r.messages.unique))
      expect(m.messages.lost).toBe(Math.max(0, m.messages.expected - m.messages.unique))
      expect(m.clients.target).toBe(sum(r => r.clients.target))
      for (const kind of new Set(results.flatMap(r => Object.keys(r.errors)))) {
        expect(m.errors[kind]).toBe(sum(r => r.errors[kind] ?? 0))
      }
      expect(m.series.windows.reduce((n, w) => n + w.sent, 0)).toBe(sum(r => r.series.windows.reduce((k, w) => k + w.sent, 0)))
      const severity = ['complete', 'stopped', 'target-unreachable', 'target-lost', 'worker-failed']
      expect(severity.indexOf(m.outcome)).toBe(Math.max(...results.map(r => severity.indexOf(r.outcome))))
      expect(m.self.workers).toHaveLength(sum(r => r.self.workers.length))
      for (const room of m.rooms) {
        const parts = results.flatMap(r => r.rooms.filter(x => x.room === room.room))
        expect(room.sent).toBe(parts.reduce((n, x) => n + x.sent, 0))
        expect(room.members).toBe(Math.max(...parts.map(x => x.members)))
      }
    }), { numRuns: 30 })
  })

  it('does not depend on the order or grouping of its inputs', () => {
    fc.assert(fc.property(workerResult, workerResult, workerResult, (...rs) => {
      // Workers of one run are distinct processes.
      const [a, b, c] = rs.map((r, i) => ({ ...r, self: { ...r.self, workers: r.self.workers.map(w => ({ ...w, worker: i, pid: 1000 + i })) } })) as [LoadResult, LoadResult, LoadResult]
      const flat = canonical(mergeLoadResults([a, b, c]))
      expect(canonical(mergeLoadResults([c, a, b]))).toEqual(flat)
      expect(canonical(mergeLoadResults([mergeLoadResults([a, b]), c]))).toEqual(flat)
      expect(canonical(mergeLoadResults([a, mergeLoadResults([b, c])]))).toEqual(flat)
    }), { numRuns: 25 })
  })

  it('is the identity on a single result (up to recomputed fields)', () => {
    fc.assert(fc.property(workerResult, r => {
      expect(canonical(mergeLoadResults([r]))).toEqual(canonical({ ...r, messages: { ...r.messages, lost: Math.max(0, r.messages.expected - r.messages.unique) } }))
    }), { numRuns: 25 })
  })

  it('joins client records in id order, and keeps none when no input recorded any', () => {
    const m = mergeLoadResults([fakeResult({ recordIds: [4, 1] }), fakeResult({ recordIds: [3] }), fakeResult()])
    expect(m.clientRecords?.map(c => c.id)).toEqual([1, 3, 4])
    expect(mergeLoadResults([fakeResult(), fakeResult()]).clientRecords).toBeNull()
  })

  it('survives a JSON round trip, as results from other machines arrive', () => {
    const a = fakeResult({ fanout: [1, 2, 3], sent: 3 })
    const b = parseLoadResult(JSON.parse(JSON.stringify(fakeResult({ fanout: [1000, 2000], sent: 2 }))))
    expect(mergeLoadResults([a, b]).latency.fanout).toEqual(histogramOf([1, 2, 3, 1000, 2000]))
  })

  it('refuses an empty list, another format or another version, by code', () => {
    const codeOf = (f: () => unknown): string | undefined => {
      try { f() } catch (err) { return err instanceof LoadResultFormatError ? err.code : 'other' }
      return undefined
    }
    expect(codeOf(() => mergeLoadResults([]))).toBe('SW_LOADGEN_RESULT_FORMAT')
    expect(codeOf(() => mergeLoadResults([{ ...fakeResult(), version: 2 } as unknown as LoadResult]))).toBe('SW_LOADGEN_RESULT_FORMAT')
    expect(codeOf(() => parseLoadResult({ format: 'autocannon' }))).toBe('SW_LOADGEN_RESULT_FORMAT')
    expect(codeOf(() => mergeLoadResults([{ ...fakeResult(), latency: { ...fakeResult().latency, fanout: { ...histogramOf([1]), encoded: 'garbage' } } }]))).toBe('SW_LOADGEN_RESULT_FORMAT')
  })
})

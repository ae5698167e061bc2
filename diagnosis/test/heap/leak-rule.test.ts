import { describe, expect, it } from 'vitest'
import { DEFAULT_HEAP_THRESHOLDS } from '../../src/heap/heap-comparison.js'
import { judgeClass } from '../../src/heap/leak-rule.js'

const t = DEFAULT_HEAP_THRESHOLDS
const rounds = (...counts: number[]): Array<{ count: number, selfSize: number }> => counts.map((count) => ({ count, selfSize: count * 72 }))

describe('judgeClass', () => {
  it('calls growth in every round, in proportion to clients, a leak', () => {
    expect(judgeClass(rounds(100, 100, 100), [100, 100, 100], t).verdict).toBe('leak')
    expect(judgeClass(rounds(50, 100, 200), [50, 100, 200], t).verdict).toBe('leak')
    expect(judgeClass(rounds(100, 98, 103), null, t).verdict).toBe('leak')
  })

  it('calls a cache that fills in round 1 and stays flat bounded', () => {
    const outcome = judgeClass(rounds(100, 0, 0), [100, 100, 100], t)
    expect(outcome).toEqual({ verdict: 'bounded', reason: 'grew in round 1, then stayed flat (per client: 1, 0, 0)' })
  })

  it('calls a capped history whose old entries are evicted bounded', () => {
    expect(judgeClass(rounds(0, 0, 100), [100, 100, 100], t).reason).toMatch(/^older rounds' objects were freed, only round 3 survive/)
  })

  it('does not call growth out of proportion to the load a leak', () => {
    expect(judgeClass(rounds(100, 20, 12), [100, 100, 100], t).verdict).toBe('suspect')
  })

  it('ignores classes below the thresholds and rounds without clients', () => {
    expect(judgeClass(rounds(3, 2, 4), [100, 100, 100], t).verdict).toBe('none')
    expect(judgeClass(rounds(100, 0, 100), [100, 0, 100], t).verdict).toBe('leak')
  })

  it('judges a single load round by survivors per client only', () => {
    expect(judgeClass(rounds(200), [200], t).verdict).toBe('leak')
    expect(judgeClass(rounds(100), [200], t).verdict).toBe('suspect')
    expect(judgeClass(rounds(200), null, t).verdict).toBe('suspect')
  })
})

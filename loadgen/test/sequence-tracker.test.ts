import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { DUPLICATE, IN_ORDER, REORDERED, SEQUENCE_WINDOW, SequenceTracker } from '../src/sequence-tracker.js'

describe('SequenceTracker', () => {
  it('classifies in-order, reordered and duplicate deliveries per sender', () => {
    const t = new SequenceTracker(2)
    expect(t.record(0, 0)).toBe(IN_ORDER)
    expect(t.record(0, 2)).toBe(IN_ORDER) // a gap: 1 is late or lost
    expect(t.record(1, 0)).toBe(IN_ORDER) // senders are independent
    expect(t.record(0, 1)).toBe(REORDERED)
    expect(t.record(0, 1)).toBe(DUPLICATE)
    expect(t.record(0, 2)).toBe(DUPLICATE)
    expect(t.record(0, 0)).toBe(DUPLICATE)
  })

  it('remembers exactly the window below the highest sequence number', () => {
    const t = new SequenceTracker(1)
    t.record(0, 0)
    t.record(0, SEQUENCE_WINDOW) // old highest 0 becomes the window's last bit
    expect(t.record(0, 0)).toBe(DUPLICATE)
    expect(t.record(0, 1)).toBe(REORDERED)
    t.record(0, 3 * SEQUENCE_WINDOW) // a jump past the window forgets everything
    expect(t.record(0, 3 * SEQUENCE_WINDOW - 1)).toBe(REORDERED)
    expect(t.record(0, 0)).toBe(REORDERED) // too old to tell: counted as reordered
  })

  it('counts distinct deliveries exactly when reordering stays within the window', () => {
    // Any permutation of 0..n-1 in which no number arrives more than WINDOW places late,
    // with duplicates sprinkled in: distinct = n, duplicates = the extras.
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 200 }),
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 8 })), { maxLength: 60 }),
      fc.array(fc.nat(), { maxLength: 40 }),
      (n, swaps, dups) => {
        const order = Array.from({ length: n }, (_, i) => i)
        for (const [at, dist] of swaps) {
          const i = at % n
          const j = Math.min(n - 1, i + dist)
          ;[order[i], order[j]] = [order[j] as number, order[i] as number]
        }
        const stream = [...order]
        for (const d of dups) {
          const pos = d % stream.length
          stream.splice(pos + 1, 0, stream[pos] as number)
        }
        const t = new SequenceTracker(1)
        let distinct = 0
        let duplicates = 0
        for (const seq of stream) {
          const kind = t.record(0, seq)
          if (kind === DUPLICATE) duplicates++
          else distinct++
        }
        expect(distinct).toBe(n)
        expect(duplicates).toBe(stream.length - n)
      }
    ))
  })

  it('rejects a slot outside the room', () => {
    const t = new SequenceTracker(3)
    expect(() => t.record(3, 0)).toThrow(RangeError)
    expect(() => t.record(-1, 0)).toThrow(RangeError)
  })
})

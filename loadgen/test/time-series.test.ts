import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { appendWindow, emptySeries, mergeSeries } from '../src/time-series.js'
import type { SeriesWindow, TimeSeries } from '../src/time-series.js'

function win (second: number, over: Partial<SeriesWindow> = {}): SeriesWindow {
  return { startMs: second * 1000, connected: 10, sent: 1, delivered: 9, errors: 0, p99Us: 100, cpuMs: 5, lagP99Ms: 1, ...over }
}

function totals (s: TimeSeries): { sent: number, delivered: number, errors: number, cpuMs: number } {
  return s.windows.reduce((t, w) => ({ sent: t.sent + w.sent, delivered: t.delivered + w.delivered, errors: t.errors + w.errors, cpuMs: t.cpuMs + w.cpuMs }),
    { sent: 0, delivered: 0, errors: 0, cpuMs: 0 })
}

describe('time series', () => {
  it('keeps one window per second until full, then doubles the width', () => {
    const s = emptySeries(1000, 4)
    for (let i = 0; i < 4; i++) appendWindow(s, win(i, { connected: i }))
    expect(s.windowMs).toBe(1000)
    expect(s.windows).toHaveLength(4)
    appendWindow(s, win(4, { connected: 4, p99Us: 900 }))
    expect(s.windowMs).toBe(2000)
    expect(s.windows.map(w => w.startMs)).toEqual([0, 2000, 4000])
    // connected is a gauge (the later window's), counts add, p99 is the maximum.
    expect(s.windows.map(w => w.connected)).toEqual([1, 3, 4])
    expect(s.windows[2]?.p99Us).toBe(900)
    expect(s.windows[0]?.sent).toBe(2)
  })

  it('stays within its capacity and keeps every count, however long the run', () => {
    fc.assert(fc.property(fc.integer({ min: 2, max: 16 }), fc.array(fc.nat({ max: 50 }), { maxLength: 400 }), (capacity, sends) => {
      const s = emptySeries(1000, capacity)
      sends.forEach((sent, i) => appendWindow(s, win(i, { sent })))
      expect(s.windows.length).toBeLessThanOrEqual(capacity)
      expect(totals(s).sent).toBe(sends.reduce((a, b) => a + b, 0))
      for (const w of s.windows) expect(w.startMs % s.windowMs).toBe(0)
    }))
  })

  it('merges workers window by window: counts and connections add, percentiles take the maximum', () => {
    const a = emptySeries(1000, 600)
    const b = emptySeries(1000, 600)
    appendWindow(a, win(0, { connected: 3, p99Us: 10 }))
    appendWindow(a, win(1, { connected: 4 }))
    appendWindow(b, win(1, { connected: 5, p99Us: 70, lagP99Ms: 9 }))
    const m = mergeSeries([a, b])
    expect(m.windows).toEqual([
      win(0, { connected: 3, p99Us: 10 }),
      { startMs: 1000, connected: 9, sent: 2, delivered: 18, errors: 0, p99Us: 100, cpuMs: 10, lagP99Ms: 9 }
    ])
  })

  it('merges series of different widths at the coarser width without losing counts', () => {
    fc.assert(fc.property(
      fc.array(fc.nat({ max: 9 }), { maxLength: 100 }), fc.array(fc.nat({ max: 9 }), { maxLength: 100 }), fc.integer({ min: 2, max: 20 }),
      (xs, ys, capacity) => {
        const a = emptySeries(1000, capacity)
        const b = emptySeries(1000, 600)
        xs.forEach((errors, i) => appendWindow(a, win(i, { errors })))
        ys.forEach((errors, i) => appendWindow(b, win(i, { errors })))
        const m = mergeSeries([a, b])
        expect(m.windowMs).toBeGreaterThanOrEqual(Math.max(a.windowMs, b.windowMs))
        expect(m.windows.length).toBeLessThanOrEqual(m.capacity)
        expect(totals(m).errors).toBe(totals(a).errors + totals(b).errors)
        expect(totals(m).cpuMs).toBe(totals(a).cpuMs + totals(b).cpuMs)
      }
    ))
  })
})

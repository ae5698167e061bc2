/**
 * The run's time series in bounded memory, pure.
 *
 * Windows start at multiples of `windowMs` since the run's epoch. The series holds at most
 * `capacity` windows: when one more is needed, every pair of neighbours is folded into one
 * window twice as wide. A 24-hour soak at 1-second ticks thus ends with about `capacity`
 * windows of 256 s, still covering the whole run, instead of 86,400 entries.
 *
 * Folding along time and merging across workers aggregate differently:
 * - time: `connected` is a gauge (the later window wins), counts and `cpuMs` add, `p99Us` and
 *   `lagP99Ms` take the maximum (an upper bound: the exact p99 of the union needs the
 *   histograms, which only the run totals keep);
 * - workers: `connected`, counts and `cpuMs` add (each worker is its own process), the two
 *   percentiles take the maximum (the worst worker decides whether its figures are suspect).
 */

export interface SeriesWindow {
  /** Window start, ms since the run's epoch (a multiple of the series' windowMs). */
  startMs: number
  /** Clients connected at the end of the window. */
  connected: number
  sent: number
  delivered: number
  errors: number
  /** Fan-out latency p99 within the window, µs (0 when nothing was delivered). */
  p99Us: number
  /** CPU time the loadgen used in the window, ms (divide by the width for a utilisation). */
  cpuMs: number
  /** The loadgen's event-loop delay p99 in the window, ms. */
  lagP99Ms: number
}

export interface TimeSeries {
  windowMs: number
  capacity: number
  windows: SeriesWindow[]
}

/** An empty series of `baseWindowMs` windows, holding at most `capacity` (≥ 2) of them. */
export function emptySeries (baseWindowMs: number, capacity: number): TimeSeries {
  return { windowMs: baseWindowMs, capacity: Math.max(2, capacity), windows: [] }
}

/**
 * Adds a window (its startMs at any multiple of the base width) and coarsens when full.
 * Mutates and returns `series`: the engine appends once per tick and must not copy.
 */
export function appendWindow (series: TimeSeries, w: SeriesWindow): TimeSeries {
  const slot = Math.floor(w.startMs / series.windowMs) * series.windowMs
  const last = series.windows[series.windows.length - 1]
  if (last !== undefined && last.startMs === slot) {
    series.windows[series.windows.length - 1] = foldInTime(last, { ...w, startMs: slot })
  } else {
    series.windows.push({ ...w, startMs: slot })
  }
  while (series.windows.length > series.capacity) coarsen(series, series.windowMs * 2)
  return series
}

/** Merges series of several workers of one run (same epoch), exactly for counts. */
export function mergeSeries (list: readonly TimeSeries[]): TimeSeries {
  if (list.length === 0) return emptySeries(1000, 600)
  const windowMs = Math.max(...list.map(s => s.windowMs))
  const capacity = Math.max(...list.map(s => s.capacity))
  const bySlot = new Map<number, SeriesWindow>()
  for (const s of list) {
    // Fold each worker's series to the common width first, then add across workers.
    const own = new Map<number, SeriesWindow>()
    for (const w of s.windows) {
      const slot = Math.floor(w.startMs / windowMs) * windowMs
      const prev = own.get(slot)
      own.set(slot, prev === undefined ? { ...w, startMs: slot } : foldInTime(prev, w))
    }
    for (const [slot, w] of own) {
      const prev = bySlot.get(slot)
      bySlot.set(slot, prev === undefined ? w : addAcrossWorkers(prev, w))
    }
  }
  const merged: TimeSeries = { windowMs, capacity, windows: [...bySlot.values()].sort((a, b) => a.startMs - b.startMs) }
  while (merged.windows.length > merged.capacity) coarsen(merged, merged.windowMs * 2)
  return merged
}

function coarsen (series: TimeSeries, windowMs: number): void {
  const out: SeriesWindow[] = []
  for (const w of series.windows) {
    const slot = Math.floor(w.startMs / windowMs) * windowMs
    const last = out[out.length - 1]
    if (last !== undefined && last.startMs === slot) out[out.length - 1] = foldInTime(last, w)
    else out.push({ ...w, startMs: slot })
  }
  series.windowMs = windowMs
  series.windows = out
}

/** `a` is earlier than `b`; the result keeps a's start. `connected` is a gauge: the later wins. */
function foldInTime (a: SeriesWindow, b: SeriesWindow): SeriesWindow {
  return combine(a, b, b.connected)
}

/** Same window of two processes: their connections add up. */
function addAcrossWorkers (a: SeriesWindow, b: SeriesWindow): SeriesWindow {
  return combine(a, b, a.connected + b.connected)
}

function combine (a: SeriesWindow, b: SeriesWindow, connected: number): SeriesWindow {
  return {
    startMs: a.startMs,
    connected,
    sent: a.sent + b.sent,
    delivered: a.delivered + b.delivered,
    errors: a.errors + b.errors,
    p99Us: Math.max(a.p99Us, b.p99Us),
    cpuMs: a.cpuMs + b.cpuMs,
    lagP99Ms: Math.max(a.lagP99Ms, b.lagP99Ms)
  }
}

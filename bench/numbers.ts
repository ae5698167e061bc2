/** Small number helpers the benchmarks share (pure). */

/** The median; NaN for no values. */
export function median (values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b)
  const mid = Math.floor(s.length / 2)
  if (s.length === 0) return NaN
  return s.length % 2 === 1 ? s[mid] as number : ((s[mid - 1] as number) + (s[mid] as number)) / 2
}

/** `n` rounded to `digits` decimals. */
export function round (n: number, digits: number): number {
  const f = 10 ** digits
  return Math.round(n * f) / f
}

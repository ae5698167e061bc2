/**
 * A small seeded PRNG (mulberry32, public domain, Tommy Ettinger), pure: the same seed gives
 * the same send schedule, so a run can be replayed. Not for anything cryptographic.
 */

/** Returns a function yielding uniform floats in [0, 1). */
export function createRandom (seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** A uniform value in [min, max]. */
export function uniform (random: () => number, min: number, max: number): number {
  return min + (max - min) * random()
}

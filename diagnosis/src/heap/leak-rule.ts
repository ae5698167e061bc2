/**
 * The leak rule, per class, over what survives from each load round.
 *
 * Each round's survivors are the objects allocated during that round (V8 ids between the
 * previous snapshot's highest id and this one's) that are still alive in the final snapshot.
 * - A leak leaves survivors in every round, about as many per client each time.
 * - A cache that fills in round 1 and stays flat leaves survivors in round 1 only; a capped
 *   history that evicts leaves survivors only in the last round(s). Either is bounded.
 * - With a single load round there is nothing to compare: survivors per client decide
 *   (a session leak leaves at least one object per client), otherwise it is only a suspect.
 * Rounds that had no clients are left out: no load, no growth expected.
 */
import type { Amount, HeapThresholds, SuspectVerdict } from './heap-comparison.js'

export interface RuleOutcome {
  /** 'none' when the class does not reach the thresholds at all. */
  verdict: SuspectVerdict | 'none'
  reason: string
}

const fmt = (n: number): string => Number.isInteger(n) ? String(n) : n.toFixed(2)

/**
 * Judges one class.
 * @param survivors - survivors of each load round, in order
 * @param clients - clients of each load round, or null when unknown
 */
export function judgeClass (survivors: readonly Amount[], clients: readonly number[] | null, thresholds: HeapThresholds): RuleOutcome {
  const loaded = survivors.map((_, k) => k).filter((k) => clients === null || clients[k]! > 0)
  const counts = loaded.map((k) => survivors[k]!.count)
  const rates = loaded.map((k) => clients === null ? survivors[k]!.count : survivors[k]!.count / clients[k]!)
  const grew = loaded.map((_, i) => counts[i]! >= thresholds.minObjectsPerRound && (clients === null || rates[i]! >= thresholds.minObjectsPerClient))
  if (!grew.includes(true)) return { verdict: 'none', reason: 'below thresholds' }
  const unit = clients === null ? 'objects' : 'per client'
  const series = rates.map(fmt).join(', ')
  const label = (i: number): number => loaded[i]! + 1

  if (loaded.length < thresholds.minRounds) {
    if (loaded.length === 1 && clients !== null && rates[0]! >= thresholds.singleRoundObjectsPerClient) {
      return { verdict: 'leak', reason: `${fmt(rates[0]!)} per client survive the only load round (threshold ${thresholds.singleRoundObjectsPerClient}); more rounds would confirm it` }
    }
    return { verdict: 'suspect', reason: `${counts.join(', ')} survive ${loaded.length} load round(s); ${thresholds.minRounds} rounds are needed to tell a leak from a cache filling up` }
  }

  if (grew.every(Boolean)) {
    const ratio = Math.min(...rates) / Math.max(...rates)
    if (ratio >= thresholds.proportionality) {
      return { verdict: 'leak', reason: `survives from every one of ${loaded.length} rounds (${unit}: ${series})` }
    }
    return { verdict: 'suspect', reason: `survives from every round but not in proportion to the load (${unit}: ${series})` }
  }
  const first = grew.indexOf(true)
  const last = grew.lastIndexOf(true)
  const contiguous = grew.slice(first, last + 1).every(Boolean)
  const span = last > first ? `rounds ${label(first)}-${label(last)}` : `round ${label(first)}`
  if (contiguous && first === 0) return { verdict: 'bounded', reason: `grew in ${span}, then stayed flat (${unit}: ${series})` }
  if (contiguous && last === grew.length - 1) return { verdict: 'bounded', reason: `older rounds' objects were freed, only ${span} survive (${unit}: ${series})` }
  return { verdict: 'bounded', reason: `survives from some rounds only (${unit}: ${series})` }
}

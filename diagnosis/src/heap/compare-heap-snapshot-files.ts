/**
 * File-level entry point: reads the baseline and round snapshots one at a time, keeps only
 * their summaries, then reads and analyses the final snapshot. At most one snapshot model is
 * in memory at any time, so peak memory follows the largest snapshot, not their number.
 */
import type { HeapComparison } from './heap-comparison.js'
import { compareHeapSnapshots, type CompareHeapSnapshotsInput } from './compare-heap-snapshots.js'
import { readHeapSnapshot } from './read-heap-snapshot.js'
import { ScanBudget } from './scan-budget.js'
import { summarizeHeapSnapshot, type HeapSnapshotSummary } from './snapshot-summary.js'

/** Progress, for a display; the comparison does not depend on it. */
export type HeapProgressEvent =
  | { type: 'read', phase: string, path: string, bytes: number, nodes: number, ms: number }
  | { type: 'analysed', ms: number }

export interface CompareHeapSnapshotFilesInput extends Omit<CompareHeapSnapshotsInput, 'baseline' | 'rounds' | 'final' | 'finalFacts'> {
  baseline: string
  rounds?: readonly string[]
  final: string
  onProgress?: (event: HeapProgressEvent) => void
  /** Monotonic clock for progress timings (e.g. `performance.now`); timings are 0 without it. */
  now?: () => number
}

/**
 * Compares snapshot files.
 * @throws {HeapReadError} when a file cannot be read
 * @throws {HeapNotASnapshotError} {@link HeapCorruptError} {@link HeapTruncatedError} on bad content
 * @throws {HeapDifferentProcessError} {@link HeapOutOfOrderError} when ids are not comparable
 */
export async function compareHeapSnapshotFiles (input: CompareHeapSnapshotFilesInput): Promise<HeapComparison> {
  const { baseline, final, onProgress, now = () => 0, ...options } = input
  const budget = options.budget ?? new ScanBudget()
  let rounds = [...(input.rounds ?? [])]
  let finalIsRound = options.finalIsRound
  if (rounds.length > 0 && rounds[rounds.length - 1] === final) {
    rounds = rounds.slice(0, -1)
    finalIsRound = true
  }
  const summarizeFile = async (path: string, phase: string): Promise<HeapSnapshotSummary> => {
    const started = now()
    // Light read: the summary needs no edges, and skipping them is most of the work saved.
    const snapshot = await readHeapSnapshot(path, { budget, withEdges: false })
    const summary = summarizeHeapSnapshot(snapshot, budget)
    onProgress?.({ type: 'read', phase, path, bytes: snapshot.inputBytes, nodes: snapshot.nodeCount, ms: now() - started })
    return summary
  }
  const baselineSummary = await summarizeFile(baseline, 'baseline')
  const roundSummaries: HeapSnapshotSummary[] = []
  for (const [i, path] of rounds.entries()) roundSummaries.push(await summarizeFile(path, `round ${i + 1}`))

  const started = now()
  const finalSnapshot = await readHeapSnapshot(final, { budget })
  onProgress?.({ type: 'read', phase: 'final', path: final, bytes: finalSnapshot.inputBytes, nodes: finalSnapshot.nodeCount, ms: now() - started })
  const analysing = now()
  const result = compareHeapSnapshots({
    ...options,
    ...(finalIsRound === undefined ? {} : { finalIsRound }),
    budget,
    baseline: baselineSummary,
    rounds: roundSummaries,
    final: finalSnapshot
  })
  onProgress?.({ type: 'analysed', ms: now() - analysing })
  return result
}

/**
 * File-level entry point. The baseline and round snapshots are only needed as summaries, and
 * are read light (without their edges); the final snapshot is read whole and analysed.
 *
 * With more than one CPU the summaries are read by a worker thread while the main thread
 * reads the final snapshot: the two reads overlap, and the worker is gone before the analysis
 * allocates its scratch arrays, so the overlap does not raise the peak. At most one light and
 * one whole model are in memory at a time, whatever the number of rounds.
 */
import { availableParallelism } from 'node:os'
import { Worker } from 'node:worker_threads'
import { SoakwatchError } from '../../../common/src/define-error.js'
import type { HeapComparison } from './heap-comparison.js'
import { compareHeapSnapshots, type CompareHeapSnapshotsInput } from './compare-heap-snapshots.js'
import type { HeapSnapshot } from './heap-snapshot.js'
import { readHeapSnapshot } from './read-heap-snapshot.js'
import { ScanBudget } from './scan-budget.js'
import { summarizeHeapSnapshot, type HeapSnapshotSummary } from './snapshot-summary.js'
import type { SummaryJob, SummaryMessage } from './summary-worker.js'

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
  /** Milliseconds the worker that reads the summaries may take (the main budget covers the rest). */
  maxMs?: number
  /**
   * Read the summaries in a worker thread; default: when there is more than one CPU and this
   * module runs as compiled JavaScript (a worker cannot load the TypeScript sources a test
   * runner executes).
   */
  parallel?: boolean
}

const phaseName = (index: number): string => index === 0 ? 'baseline' : `round ${index}`

/**
 * Compares snapshot files.
 * @throws {HeapReadError} when a file cannot be read
 * @throws {HeapNotASnapshotError} {@link HeapCorruptError} {@link HeapTruncatedError} on bad content
 * @throws {HeapDifferentProcessError} {@link HeapOutOfOrderError} when ids are not comparable
 */
export async function compareHeapSnapshotFiles (input: CompareHeapSnapshotFilesInput): Promise<HeapComparison> {
  const { baseline, final, onProgress, now = () => 0, maxMs, parallel = availableParallelism() > 1 && import.meta.url.endsWith('.js'), ...options } = input
  const budget = options.budget ?? new ScanBudget()
  let rounds = [...(input.rounds ?? [])]
  let finalIsRound = options.finalIsRound
  if (rounds.length > 0 && rounds[rounds.length - 1] === final) {
    rounds = rounds.slice(0, -1)
    finalIsRound = true
  }
  const earlier = [baseline, ...rounds]
  const readFinal = async (): Promise<HeapSnapshot> => {
    const started = now()
    const snapshot = await readHeapSnapshot(final, { budget })
    onProgress?.({ type: 'read', phase: 'final', path: final, bytes: snapshot.inputBytes, nodes: snapshot.nodeCount, ms: now() - started })
    return snapshot
  }
  const report = (index: number, m: { bytes: number, nodes: number, ms: number }): void => {
    onProgress?.({ type: 'read', phase: phaseName(index), path: earlier[index]!, bytes: m.bytes, nodes: m.nodes, ms: m.ms })
  }

  let summaries: HeapSnapshotSummary[]
  let finalSnapshot: HeapSnapshot
  if (parallel) {
    // Both reads run to the end before any error is thrown, so the error reported is the
    // earliest snapshot's, whichever thread finished first.
    const [fromWorker, fromMain] = await Promise.allSettled([summarizeInWorker(earlier, maxMs ?? null, report), readFinal()])
    if (fromWorker.status === 'rejected') throw fromWorker.reason
    if (fromMain.status === 'rejected') throw fromMain.reason
    summaries = fromWorker.value
    finalSnapshot = fromMain.value
  } else {
    summaries = []
    for (const [index, path] of earlier.entries()) {
      const started = now()
      const snapshot = await readHeapSnapshot(path, { budget, withEdges: false })
      summaries.push(summarizeHeapSnapshot(snapshot, budget))
      report(index, { bytes: snapshot.inputBytes, nodes: snapshot.nodeCount, ms: now() - started })
    }
    finalSnapshot = await readFinal()
  }

  const analysing = now()
  const result = compareHeapSnapshots({
    ...options,
    ...(finalIsRound === undefined ? {} : { finalIsRound }),
    budget,
    baseline: summaries[0]!,
    rounds: summaries.slice(1),
    final: finalSnapshot
  })
  onProgress?.({ type: 'analysed', ms: now() - analysing })
  return result
}

/**
 * Reads and summarizes `paths` in worker threads, one after the other; rejects with the first
 * error. A worker per snapshot: its memory goes back as soon as it exits, instead of waiting
 * for a garbage collection while the next snapshot is read.
 */
async function summarizeInWorker (paths: string[], maxMs: number | null, report: (index: number, m: { bytes: number, nodes: number, ms: number }) => void): Promise<HeapSnapshotSummary[]> {
  const summaries: HeapSnapshotSummary[] = []
  const deadline = maxMs === null ? null : performance.now() + maxMs
  for (const [index, path] of paths.entries()) {
    const left = deadline === null ? null : Math.max(1, deadline - performance.now())
    const worker = new Worker(new URL('./summary-worker.js', import.meta.url), { workerData: { paths: [path], maxMs: left } satisfies SummaryJob })
    summaries.push(await new Promise<HeapSnapshotSummary>((resolve, reject) => {
      let summary: HeapSnapshotSummary | undefined
      worker.on('message', (m: SummaryMessage) => {
        if (m.type === 'error') {
          // Rebuilt with the same code and message; the specific class does not cross threads.
          reject(m.code === null ? new Error(m.message) : new SoakwatchError(m.code, m.message))
          return
        }
        summary = m.summary
        report(index, m)
      })
      worker.on('error', reject)
      worker.on('exit', () => {
        if (summary !== undefined) resolve(summary)
        else reject(new Error(`the snapshot summary worker stopped before summarizing ${path}`))
      })
    }))
  }
  return summaries
}

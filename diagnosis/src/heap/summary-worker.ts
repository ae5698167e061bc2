/**
 * Worker thread that reads the baseline and round snapshots light and posts their summaries,
 * so that they are read while the main thread reads the final snapshot (see
 * compare-heap-snapshot-files.ts). Messages: `SummaryMessage`.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { SoakwatchError } from '../../../common/src/define-error.js'
import { readHeapSnapshot } from './read-heap-snapshot.js'
import { ScanBudget } from './scan-budget.js'
import { summarizeHeapSnapshot, type HeapSnapshotSummary } from './snapshot-summary.js'

export interface SummaryJob {
  paths: string[]
  /** Milliseconds left in the caller's budget, or null for none. */
  maxMs: number | null
}

export type SummaryMessage =
  | { type: 'summary', index: number, summary: HeapSnapshotSummary, bytes: number, nodes: number, ms: number }
  | { type: 'error', index: number, code: string | null, message: string }

const job = workerData as SummaryJob
const port = parentPort!
const budget = job.maxMs === null ? new ScanBudget() : new ScanBudget({ maxMs: job.maxMs, now: () => performance.now() })
for (const [index, path] of job.paths.entries()) {
  const started = performance.now()
  try {
    const snapshot = await readHeapSnapshot(path, { budget, withEdges: false })
    const summary = summarizeHeapSnapshot(snapshot, budget)
    port.postMessage({ type: 'summary', index, summary, bytes: snapshot.inputBytes, nodes: snapshot.nodeCount, ms: performance.now() - started } satisfies SummaryMessage)
  } catch (err) {
    port.postMessage({ type: 'error', index, code: err instanceof SoakwatchError ? err.code : null, message: err instanceof Error ? err.message : String(err) } satisfies SummaryMessage)
    break
  }
}

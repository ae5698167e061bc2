/**
 * soakwatch side of the single-snapshot benchmark: parse one snapshot with its edges and run
 * the whole analysis the comparison runs on a final snapshot (classes, attributed sizes,
 * retaining edges, dominators and retained sizes, shortest paths, survivors) — compared here
 * with its own summary, so nothing survives and no suspect is reported. Prints JSON.
 *
 *   node dist/bench/heap/analyse-snapshot.js FILE
 */
import { compareHeapSnapshots } from '../../diagnosis/src/heap/compare-heap-snapshots.js'
import { readHeapSnapshot } from '../../diagnosis/src/heap/read-heap-snapshot.js'
import { summarizeHeapSnapshot } from '../../diagnosis/src/heap/snapshot-summary.js'

const file = process.argv[2]!
const t0 = performance.now()
const snapshot = await readHeapSnapshot(file)
const t1 = performance.now()
const baseline = summarizeHeapSnapshot(snapshot)
const result = compareHeapSnapshots({ baseline, final: snapshot })
const t2 = performance.now()
process.stdout.write(`${JSON.stringify({
  nodes: snapshot.nodeCount,
  edges: snapshot.edgeCount,
  classes: Object.keys(baseline.classes).length,
  verdict: result.verdict,
  ms: { parse: Math.round(t1 - t0), analysis: Math.round(t2 - t1) },
  maxRssMB: Math.round(process.resourceUsage().maxRSS / 1024)
})}\n`)

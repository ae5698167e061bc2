/**
 * soakwatch side of the single-snapshot benchmark: parse one snapshot and run every analysis
 * the comparison runs on a final snapshot (classes, attributed sizes, retaining edges,
 * shortest paths, dominators and retained sizes). Prints timings as JSON.
 *
 *   node dist/bench/heap/analyse-snapshot.js FILE
 */
import { computeDominators } from '../../diagnosis/src/heap/dominators.js'
import { readHeapSnapshot } from '../../diagnosis/src/heap/read-heap-snapshot.js'
import { findRetainingEdges } from '../../diagnosis/src/heap/retaining-edges.js'
import { shortestPaths } from '../../diagnosis/src/heap/shortest-paths.js'
import { computeNodeFacts, summarizeHeapSnapshot } from '../../diagnosis/src/heap/snapshot-summary.js'

const file = process.argv[2]!
const t0 = performance.now()
const snapshot = await readHeapSnapshot(file)
const t1 = performance.now()
const facts = computeNodeFacts(snapshot)
const summary = summarizeHeapSnapshot(snapshot)
const t2 = performance.now()
const retaining = findRetainingEdges(snapshot)
const paths = shortestPaths(snapshot, retaining)
const t3 = performance.now()
const dominators = computeDominators(snapshot, retaining, facts.sizes)
const t4 = performance.now()
process.stdout.write(`${JSON.stringify({
  nodes: snapshot.nodeCount,
  edges: snapshot.edgeCount,
  classes: Object.keys(summary.classes).length,
  reachable: dominators.preorder.length,
  rootRetained: dominators.retained[snapshot.rootOrdinal],
  unreachable: paths.distance.filter((d) => d === 0xffff).length,
  ms: { parse: Math.round(t1 - t0), summary: Math.round(t2 - t1), paths: Math.round(t3 - t2), dominators: Math.round(t4 - t3), total: Math.round(t4 - t0) }
})}\n`)

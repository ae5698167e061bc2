/**
 * Shortest retaining paths from the root: one breadth-first search over retaining edges
 * records, for every reachable node, the edge it was first reached through. Following those
 * edges back from any node gives a shortest path from the GC roots — the chain a reader has
 * to cut to free it.
 */
import { EDGE_STRIDE, EDGE_TO_MASK, EDGE_TYPE_TO, type HeapSnapshot } from './heap-snapshot.js'
import type { EdgeSet } from './retaining-edges.js'
import { BUDGET_STRIDE, ScanBudget } from './scan-budget.js'
import { ScratchArrays } from './scratch-arrays.js'

/** `parentEdge` value of the root and of unreachable nodes. */
export const NO_EDGE = 0xffffffff

export interface ShortestPaths {
  /** Edge ordinal through which each node was first reached; NO_EDGE for root/unreachable. */
  parentEdge: Uint32Array
  rootOrdinal: number
}

/** True when a retaining path from the root reaches `ordinal`. */
export function isReachable (paths: ShortestPaths, ordinal: number): boolean {
  return paths.parentEdge[ordinal] !== NO_EDGE || ordinal === paths.rootOrdinal
}

/**
 * Runs the breadth-first search.
 * @throws {HeapBudgetExceededError} when the budget runs out
 */
export function shortestPaths (snapshot: HeapSnapshot, retaining: EdgeSet, budget: ScanBudget = new ScanBudget(), scratch = new ScratchArrays(snapshot.nodeCount)): ShortestPaths {
  const { edges, firstEdge, nodeCount } = snapshot
  const parentEdge = scratch.take(NO_EDGE).subarray(0, nodeCount)
  const queue = scratch.take()
  const root = snapshot.rootOrdinal
  queue[0] = root
  let head = 0
  let tail = 1
  let steps = 0
  while (head < tail) {
    const n = queue[head++]!
    const end = firstEdge[n + 1]!
    for (let e = firstEdge[n]!; e < end; e++) {
      if (!retaining.has(e)) continue
      const to = edges[e * EDGE_STRIDE + EDGE_TYPE_TO]! & EDGE_TO_MASK
      if (parentEdge[to] !== NO_EDGE || to === root) continue
      parentEdge[to] = e
      queue[tail++] = to
    }
    steps += end - firstEdge[n]! + 1
    if (steps >= BUDGET_STRIDE) {
      budget.spend('retainer paths', steps)
      steps = 0
    }
  }
  scratch.give(queue)
  return { parentEdge, rootOrdinal: root }
}

/** The path from the root to `ordinal` as edge ordinals (empty for the root or unreachable). */
export function pathEdges (snapshot: HeapSnapshot, paths: ShortestPaths, ordinal: number): number[] {
  const out: number[] = []
  let n = ordinal
  while (paths.parentEdge[n] !== NO_EDGE && out.length < 0xffff) {
    out.push(paths.parentEdge[n]!)
    n = snapshot.edgeFrom(paths.parentEdge[n]!)
  }
  return out.reverse()
}

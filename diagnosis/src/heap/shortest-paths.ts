/**
 * Shortest retaining paths from the root: one breadth-first search over retaining edges
 * records, for every reachable node, the edge it was first reached through. Following those
 * edges back from any node gives a shortest path from the GC roots — the chain a reader has
 * to cut to free it.
 *
 * "Last-resort" edges (e.g. the harness's own `globalThis[Symbol.for('soakwatch.stats')]`,
 * whose closure reaches the whole server) are taken only for nodes that no other path reaches:
 * a path through them is true but tells the reader nothing about the target's own code.
 */
import { EDGE_NAME, EDGE_STRIDE, EDGE_TO_MASK, EDGE_TYPE_SHIFT, EDGE_TYPE_TO, type HeapSnapshot } from './heap-snapshot.js'
import { EdgeSet } from './retaining-edges.js'
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
export function shortestPaths (snapshot: HeapSnapshot, retaining: EdgeSet, budget: ScanBudget = new ScanBudget(), scratch = new ScratchArrays(snapshot.nodeCount), lastResort?: EdgeSet): ShortestPaths {
  const { edges, firstEdge, nodeCount } = snapshot
  const parentEdge = scratch.take(NO_EDGE).subarray(0, nodeCount)
  const queue = scratch.take()
  const root = snapshot.rootOrdinal
  const deferred: number[] = []
  queue[0] = root
  let head = 0
  let tail = 1
  let steps = 0
  for (;;) {
    while (head < tail) {
      const n = queue[head++]!
      const end = firstEdge[n + 1]!
      for (let e = firstEdge[n]!; e < end; e++) {
        if (!retaining.has(e)) continue
        if (lastResort?.has(e) === true) {
          deferred.push(e)
          continue
        }
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
    // Everything reachable without last-resort edges has its path; now let them in for the rest.
    let resumed = false
    for (const e of deferred.splice(0)) {
      const to = edges[e * EDGE_STRIDE + EDGE_TYPE_TO]! & EDGE_TO_MASK
      if (parentEdge[to] !== NO_EDGE || to === root) continue
      parentEdge[to] = e
      queue[tail++] = to
      resumed = true
    }
    if (!resumed) break
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

/**
 * Marks every retaining edge into an object that a property named like `pattern` points at
 * (V8 names symbol keys `<symbol desc>`), for {@link shortestPaths}' last resort. Edges *into*
 * the object, not just the named one: V8 may also reach a global's property value through the
 * global's internal property storage, which has no name to match.
 */
export function edgesNamed (snapshot: HeapSnapshot, pattern: RegExp): EdgeSet {
  const { edges, firstEdge, nodeCount, strings } = snapshot
  const { property } = snapshot.meta.edgeTypes
  const set = new EdgeSet(snapshot.edgeCount)
  const targets = new Set<number>()
  // Per name string: 0 not looked at yet, 1 no match, 2 match — each name is decoded once.
  const nameKind = new Uint8Array(strings.length)
  for (let n = 0; n < nodeCount; n++) {
    for (let e = firstEdge[n]!, end = firstEdge[n + 1]!; e < end; e++) {
      const at = e * EDGE_STRIDE
      const packed = edges[at + EDGE_TYPE_TO]!
      if (packed >>> EDGE_TYPE_SHIFT !== property) continue
      const name = edges[at + EDGE_NAME]!
      if (nameKind[name] === 0) nameKind[name] = pattern.test(strings.get(name)) ? 2 : 1
      if (nameKind[name] === 2) targets.add(packed & EDGE_TO_MASK)
    }
  }
  if (targets.size === 0) return set
  for (let e = 0; e < snapshot.edgeCount; e++) {
    if (targets.has(edges[e * EDGE_STRIDE + EDGE_TYPE_TO]! & EDGE_TO_MASK)) set.add(e)
  }
  return set
}

/**
 * Dominator tree and retained sizes over the typed arrays.
 *
 * Node d dominates n when every path from the root to n passes through d; n's retained
 * size is the total size of the nodes it dominates — what a GC would free if n went away.
 * Algorithm: SEMI-NCA (Georgiadis, "Linear-Time Algorithms for Dominators and Related
 * Problems", 2005, §2.3), i.e. Lengauer–Tarjan's semidominators (Lengauer & Tarjan 1979,
 * with simple path compression) followed by a nearest-common-ancestor walk instead of LT's
 * buckets. It needs five node-sized arrays instead of LT's eight, which matters at tens of
 * millions of nodes, and runs in near-linear time on heap graphs.
 *
 * Internally vertices are numbered in DFS preorder from 1 (0 = none); arrays indexed by
 * that number are named `...ByNum`. Nodes unreachable from the root through retaining edges
 * (garbage the snapshot still holds) get the root as dominator and only their own size.
 */
import { EDGE_STRIDE, EDGE_TO_MASK, EDGE_TYPE_TO, type HeapSnapshot } from './heap-snapshot.js'
import type { EdgeSet } from './retaining-edges.js'
import { BUDGET_STRIDE, ScanBudget } from './scan-budget.js'
import { ScratchArrays } from './scratch-arrays.js'

export interface Dominators {
  /** Immediate dominator of each node ordinal; the root and unreachable nodes map to the root. */
  idom: Uint32Array
  /** Retained size of each node ordinal, bytes. */
  retained: Float64Array
  /** Reachable node ordinals in DFS preorder (a node's dominator always comes before it). */
  preorder: Uint32Array
}

/**
 * Computes immediate dominators and retained sizes.
 * @param sizes - self size per node ordinal (attributed sizes, see shallow-sizes.ts)
 * @param scratch - where node-sized arrays come from and temporary ones go back to
 * @throws {HeapBudgetExceededError} when the budget runs out
 */
export function computeDominators (snapshot: HeapSnapshot, retaining: EdgeSet, sizes: Uint32Array, budget: ScanBudget = new ScanBudget(), scratch = new ScratchArrays(snapshot.nodeCount)): Dominators {
  // Memory matters more than elegance here (tens of millions of nodes): arrays are borrowed
  // for a second purpose when their first one is over, and released as early as possible.
  const { nodeCount } = snapshot
  const vertex = scratch.take()
  const parentByNum = scratch.take()
  const semiByNum = scratch.take()
  const labelByNum = scratch.take()
  const ancestorByNum = scratch.take()
  const numOf = scratch.take()
  // The DFS borrows label and ancestor as its explicit stack.
  const count = depthFirst(snapshot, retaining, numOf, vertex, parentByNum, labelByNum, ancestorByNum, budget)
  let predecessors: Predecessors | undefined = predecessorsByNum(snapshot, retaining, numOf, count, budget)
  ancestorByNum.fill(0)
  for (let v = 1; v <= count; v++) {
    semiByNum[v] = v
    labelByNum[v] = v
  }
  // The path-compression stack borrows numOf, done with once the predecessors are listed.
  const stack = numOf
  const evaluate = (v: number): number => {
    if (ancestorByNum[v] === 0) return v
    let top = 0
    let x = v
    while (ancestorByNum[ancestorByNum[x]!] !== 0) {
      stack[top++] = x
      x = ancestorByNum[x]!
    }
    while (top > 0) {
      const y = stack[--top]!
      const a = ancestorByNum[y]!
      if (semiByNum[labelByNum[a]!]! < semiByNum[labelByNum[y]!]!) labelByNum[y] = labelByNum[a]!
      ancestorByNum[y] = ancestorByNum[a]!
    }
    return labelByNum[v]!
  }
  // Pass 1: semidominators, in reverse preorder.
  const { predStart, preds } = predecessors
  let steps = 0
  for (let w = count; w >= 2; w--) {
    const start = predStart[w]!
    const end = predStart[w + 1]!
    // An empty list means a single predecessor, the DFS parent (see predecessorsByNum).
    let semi = start === end ? parentByNum[w]! : semiByNum[w]!
    for (let p = start; p < end; p++) {
      const u = evaluate(preds[p]!)
      if (semiByNum[u]! < semi) semi = semiByNum[u]!
    }
    semiByNum[w] = semi
    ancestorByNum[w] = parentByNum[w]!
    steps += end - predStart[w]! + 1
    if (steps >= BUDGET_STRIDE) {
      budget.spend('dominators', steps)
      steps = 0
    }
  }
  predecessors = undefined
  // Pass 2: the idom is the nearest ancestor of the DFS parent whose number is <= semi.
  // It borrows ancestor, done with after pass 1.
  const idomByNum = ancestorByNum
  idomByNum[1] = 1
  for (let w = 2; w <= count; w++) {
    let d = parentByNum[w]!
    const semi = semiByNum[w]!
    while (d > semi) d = idomByNum[d]!
    idomByNum[w] = d
  }

  // The result borrows label (free since pass 1) for the immediate dominators by ordinal.
  const root = snapshot.rootOrdinal
  const idom = labelByNum.subarray(0, nodeCount).fill(UNREACHED)
  idom[root] = root
  for (let w = 2; w <= count; w++) idom[vertex[w]!] = vertex[idomByNum[w]!]!
  const retained = new Float64Array(nodeCount)
  for (let n = 0; n < nodeCount; n++) retained[n] = sizes[n]!
  // Children come after their dominator in preorder, so a reverse sweep sums subtrees.
  for (let w = count; w >= 2; w--) {
    const n = vertex[w]!
    const d = idom[n]!
    retained[d] = retained[d]! + retained[n]!
  }
  for (let n = 0; n < nodeCount; n++) {
    if (idom[n] !== UNREACHED) continue
    idom[n] = root
    retained[root] = retained[root]! + retained[n]!
  }
  scratch.give(parentByNum, semiByNum, ancestorByNum, numOf)
  return { idom, retained, preorder: vertex.subarray(1, count + 1) }
}

const UNREACHED = 0xffffffff

interface Predecessors {
  predStart: Uint32Array
  preds: Uint32Array
}

/**
 * Iterative DFS from the root over retaining edges; fills preorder numbers and DFS parents.
 * Returns the number of reachable nodes.
 */
function depthFirst (snapshot: HeapSnapshot, retaining: EdgeSet, numOf: Uint32Array, vertex: Uint32Array, parentByNum: Uint32Array, stackNode: Uint32Array, stackEdge: Uint32Array, budget: ScanBudget): number {
  const { edges, firstEdge } = snapshot
  // Explicit stack of (node, next edge): heap graphs are far too deep for recursion.
  let top = 0
  let count = 0
  const root = snapshot.rootOrdinal
  numOf[root] = ++count
  vertex[count] = root
  stackNode[0] = root
  stackEdge[0] = firstEdge[root]!
  top = 1
  let steps = 0
  while (top > 0) {
    const n = stackNode[top - 1]!
    let e = stackEdge[top - 1]!
    const end = firstEdge[n + 1]!
    let pushed = false
    for (; e < end; e++) {
      if (!retaining.has(e)) continue
      const to = edges[e * EDGE_STRIDE + EDGE_TYPE_TO]! & EDGE_TO_MASK
      if (numOf[to] !== 0) continue
      numOf[to] = ++count
      vertex[count] = to
      parentByNum[count] = numOf[n]!
      stackEdge[top - 1] = e + 1
      stackNode[top] = to
      stackEdge[top] = firstEdge[to]!
      top++
      pushed = true
      break
    }
    if (!pushed) top--
    if (++steps >= BUDGET_STRIDE) {
      budget.spend('dominators (dfs)', steps)
      steps = 0
    }
  }
  return count
}

/**
 * Predecessor lists in preorder-number space, for reachable nodes only (CSR layout), filled
 * from the back of each range so that no cursor array is needed.
 */
function predecessorsByNum (snapshot: HeapSnapshot, retaining: EdgeSet, numOf: Uint32Array, count: number, budget: ScanBudget): Predecessors {
  const { edges, firstEdge, nodeCount } = snapshot
  const predStart = new Uint32Array(count + 2)
  let edgesSeen = 0
  for (let n = 0; n < nodeCount; n++) {
    if (numOf[n] === 0) continue
    const end = firstEdge[n + 1]!
    for (let e = firstEdge[n]!; e < end; e++) {
      if (!retaining.has(e)) continue
      const w = numOf[edges[e * EDGE_STRIDE + EDGE_TYPE_TO]! & EDGE_TO_MASK]!
      if (w === 0) continue
      predStart[w]!++
      edgesSeen++
    }
  }
  budget.spend('dominators (predecessors)', edgesSeen + nodeCount)
  // A node with a single predecessor needs no list: that predecessor is its DFS parent, which
  // is then its semidominator and its immediate dominator. Most heap objects have one holder,
  // so this leaves out most of the list. predStart[w] = end of w's range, decremented to its
  // start while filling.
  const listed = new Uint8Array(count + 1)
  let total = 0
  for (let w = 1; w <= count; w++) {
    if (predStart[w]! > 1) {
      listed[w] = 1
      total += predStart[w]!
    }
    predStart[w] = total
  }
  predStart[count + 1] = total
  const preds = new Uint32Array(total)
  for (let n = 0; n < nodeCount; n++) {
    const v = numOf[n]!
    if (v === 0) continue
    const end = firstEdge[n + 1]!
    for (let e = firstEdge[n]!; e < end; e++) {
      if (!retaining.has(e)) continue
      const w = numOf[edges[e * EDGE_STRIDE + EDGE_TYPE_TO]! & EDGE_TO_MASK]!
      if (listed[w] === 0) continue
      preds[--predStart[w]!] = v
    }
  }
  return { predStart, preds }
}

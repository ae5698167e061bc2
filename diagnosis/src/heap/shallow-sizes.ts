/**
 * Self sizes as Chrome DevTools shows them (since 2023): an internal node — a `hidden` or
 * `array` node, or the native `system / ExternalStringData` — that exactly one JS object
 * reaches through strong edges is counted in that object's size. A Map's hash table then
 * weighs on the Map, an object's out-of-line property array on the object, which is what a
 * reader of "Map 1.2 MB" expects. Internals shared by several objects keep their own size.
 * DevTools skips this when the root has no user (non-synthetic) children, i.e. snapshots
 * taken with internals exposed; so do we.
 * Source: devtools-frontend `JSHeapSnapshot.calculateShallowSizes`.
 */
import { EDGE_STRIDE, EDGE_TO_MASK, EDGE_TYPE_SHIFT, EDGE_TYPE_TO, NODE_NAME, NODE_SELF_SIZE, NODE_STRIDE, NODE_TYPE, type HeapSnapshot } from './heap-snapshot.js'
import { BUDGET_STRIDE, ScanBudget } from './scan-budget.js'
import { ScratchArrays } from './scratch-arrays.js'

const UNVISITED = 0xffffffff
const SHARED = 0xfffffffe

/**
 * Returns each node's attributed self size (a new array; the snapshot is not modified).
 * @throws {HeapBudgetExceededError} when the budget runs out
 * @throws {HeapInvalidOptionsError} when the snapshot was read without edges
 */
export function attributeShallowSizes (snapshot: HeapSnapshot, budget: ScanBudget = new ScanBudget(), scratch = new ScratchArrays(snapshot.nodeCount)): Uint32Array {
  snapshot.requireEdges('shallow size attribution')
  const { meta, nodes, edges, firstEdge, nodeCount } = snapshot
  const sizes = scratch.take().subarray(0, nodeCount)
  for (let n = 0; n < nodeCount; n++) sizes[n] = nodes[n * NODE_STRIDE + NODE_SELF_SIZE]!
  if (!hasUserRoots(snapshot)) return sizes

  const t = meta.nodeTypes
  const weak = meta.edgeTypes.weak
  const externalStringData = findString(snapshot, 'system / ExternalStringData')
  // owner[n]: the node n's size goes to, or UNVISITED/SHARED. Nodes that own themselves are
  // the starting points; ownership flows from them along strong edges into internal nodes.
  const owner = scratch.take()
  let stack = scratch.take()
  let top = 0
  for (let n = 0, at = 0; n < nodeCount; n++, at += NODE_STRIDE) {
    const type = nodes[at + NODE_TYPE]!
    const internal = type === t.hidden || type === t.array || (type === t.native && nodes[at + NODE_NAME] === externalStringData)
    if (internal) {
      owner[n] = UNVISITED
    } else {
      owner[n] = n
      stack[top++] = n
    }
  }
  let steps = 0
  while (top > 0) {
    const n = stack[--top]!
    const own = owner[n]!
    const end = firstEdge[n + 1]!
    for (let e = firstEdge[n]!; e < end; e++) {
      const packed = edges[e * EDGE_STRIDE + EDGE_TYPE_TO]!
      if (packed >>> EDGE_TYPE_SHIFT === weak) continue
      const to = packed & EDGE_TO_MASK
      const current = owner[to]!
      if (current === to || current === own || current === SHARED) continue
      // A node is pushed at most twice: when it gets an owner and when it becomes shared.
      owner[to] = current === UNVISITED ? own : SHARED
      if (top === stack.length) {
        const bigger = new Uint32Array(stack.length * 2)
        bigger.set(stack)
        stack = bigger
      }
      stack[top++] = to
    }
    steps += end - firstEdge[n]! + 1
    if (steps >= BUDGET_STRIDE) {
      budget.spend('shallow sizes', steps)
      steps = 0
    }
  }
  scratch.give(stack)
  const synthetic = t.synthetic
  for (let n = 0; n < nodeCount; n++) {
    const own = owner[n]!
    if (own === UNVISITED || own === SHARED || own === n) continue
    // Sizes moved onto the root or a synthetic node would help nobody.
    if (own === snapshot.rootOrdinal || nodes[own * NODE_STRIDE + NODE_TYPE] === synthetic) continue
    sizes[own] = sizes[own]! + sizes[n]!
    sizes[n] = 0
  }
  scratch.give(owner)
  return sizes
}

/** True when the root has a non-synthetic child (a global object), as in normal snapshots. */
function hasUserRoots (snapshot: HeapSnapshot): boolean {
  const root = snapshot.rootOrdinal
  for (let e = snapshot.firstEdge[root]!; e < snapshot.firstEdge[root + 1]!; e++) {
    if (snapshot.nodeTypeId(snapshot.edgeTo(e)) !== snapshot.meta.nodeTypes.synthetic) return true
  }
  return false
}

function findString (snapshot: HeapSnapshot, value: string): number {
  // Native node names are few; scan only the names of native nodes rather than all strings.
  const { meta, nodes, nodeCount } = snapshot
  for (let n = 0, at = 0; n < nodeCount; n++, at += NODE_STRIDE) {
    if (nodes[at + NODE_TYPE] !== meta.nodeTypes.native) continue
    const nameIndex = nodes[at + NODE_NAME]!
    if (snapshot.strings.get(nameIndex) === value) return nameIndex
  }
  return -1
}

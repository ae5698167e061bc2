/**
 * Which edges keep their target alive, for dominators and retainer paths:
 * - weak edges never do (WeakRef targets, weak maps' keys, V8's weak internal links);
 * - a self edge adds nothing;
 * - `shortcut` edges only mean something from the root (they mark the global objects);
 *   elsewhere they duplicate a real path;
 * - a WeakMap value is held by its key and its table together (V8 writes both edges, named
 *   "… part of key (…) -> value (…) pair in WeakMap (table @ID)"); only the key's edge is kept,
 *   so the value is attributed to the key, which is what frees it.
 * The rules follow devtools-frontend `HeapSnapshot.computeIsEssentialEdge`.
 */
import { EDGE_NAME, EDGE_STRIDE, EDGE_TO_MASK, EDGE_TYPE_SHIFT, EDGE_TYPE_TO, type HeapSnapshot } from './heap-snapshot.js'
import { BUDGET_STRIDE, ScanBudget } from './scan-budget.js'

const WEAK_MAP_EDGE = /^\d+ \/ part of key \(.*? @\d+\) -> value \(.*? @\d+\) pair in WeakMap \(table @(\d+)\)$/

/** One bit per edge ordinal: set when the edge retains its target. */
export class EdgeSet {
  readonly bits: Uint8Array
  constructor (edgeCount: number) { this.bits = new Uint8Array((edgeCount + 7) >>> 3) }
  has (edge: number): boolean { return (this.bits[edge >>> 3]! & (1 << (edge & 7))) !== 0 }
  add (edge: number): void { this.bits[edge >>> 3] = this.bits[edge >>> 3]! | (1 << (edge & 7)) }
}

/**
 * Marks the retaining edges of a snapshot.
 * @throws {HeapBudgetExceededError} when the budget runs out
 * @throws {HeapInvalidOptionsError} when the snapshot was read without edges
 */
export function findRetainingEdges (snapshot: HeapSnapshot, budget: ScanBudget = new ScanBudget()): EdgeSet {
  snapshot.requireEdges('retainer analysis')
  const { meta, edges, firstEdge, nodeCount, strings } = snapshot
  const { weak, shortcut, internal } = meta.edgeTypes
  const set = new EdgeSet(snapshot.edgeCount)
  // Per edge-name string: 0 not looked at yet, 1 not a WeakMap edge, 2 a WeakMap edge whose
  // table id is in `tables`.
  const nameKind = new Uint8Array(strings.length)
  const tables = new Map<number, number>()
  const root = snapshot.rootOrdinal
  let steps = 0
  for (let n = 0; n < nodeCount; n++) {
    const end = firstEdge[n + 1]!
    for (let e = firstEdge[n]!; e < end; e++) {
      const at = e * EDGE_STRIDE
      const packed = edges[at + EDGE_TYPE_TO]!
      const type = packed >>> EDGE_TYPE_SHIFT
      if (type === weak) continue
      if (type === shortcut && n !== root) continue
      if ((packed & EDGE_TO_MASK) === n) continue
      if (type === internal) {
        const name = edges[at + EDGE_NAME]!
        if (nameKind[name] === 0) {
          const match = WEAK_MAP_EDGE.exec(strings.get(name))
          nameKind[name] = match === null ? 1 : 2
          if (match !== null) tables.set(name, Number(match[1]))
        }
        if (nameKind[name] === 2 && snapshot.nodeId(n) === tables.get(name)) continue
      }
      set.add(e)
    }
    steps += end - firstEdge[n]! + 1
    if (steps >= BUDGET_STRIDE) {
      budget.spend('retaining edges', steps)
      steps = 0
    }
  }
  return set
}

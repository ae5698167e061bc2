/**
 * A small, JSON-able summary of one snapshot: what the comparison needs from the baseline
 * and the intermediate rounds, so their models can be dropped as soon as they are read.
 * - per-class counts and self sizes (DevTools semantics: attributed sizes, nodes whose
 *   attributed size is 0 not counted — the Summary view does the same);
 * - the highest V8 heap-object id, the line between "existed at this point" and "later";
 * - a sample of (id → type+name) used to prove that a later snapshot comes from the same
 *   process (see process-check.ts).
 *
 * V8 ids: heap objects get odd ids that grow by 2 per new object for the life of the process
 * (`HeapObjectsMap::kObjectIdStep`, next_id_ from `kFirstAvailableObjectId`), assigned when a
 * snapshot first sees the object; embedder ("native") nodes get even ids from another
 * counter or from addresses, which do not order anything. Only odd ids are used for ordering.
 * Source: V8 src/profiler/heap-snapshot-generator.{h,cc}.
 */
import type { HeapSnapshot } from './heap-snapshot.js'
import { classifyNodes, type NodeClasses } from './node-classes.js'
import { BUDGET_STRIDE, ScanBudget } from './scan-budget.js'
import { attributeShallowSizes } from './shallow-sizes.js'

export interface ClassTotals {
  count: number
  selfSize: number
}

export interface IdSample {
  /** Ids sampled are those whose hash has its top `bits` bits clear (nested across snapshots). */
  bits: number
  ids: number[]
  /** Hash of the node's type and name, per sampled id. */
  signatures: number[]
}

export interface HeapSnapshotSummary {
  source: string
  nodeCount: number
  edgeCount: number
  /** Sum of all self sizes, bytes. */
  totalSize: number
  /** Highest odd (heap object) id; 0 when there is none. */
  maxObjectId: number
  /** Per class name. */
  classes: Record<string, ClassTotals>
  idSample: IdSample
}

/** Node-level facts computed once per snapshot and shared by the summary and the analysis. */
export interface NodeFacts {
  classes: NodeClasses
  /** Attributed self size per node. */
  sizes: Uint32Array
}

/** Computes classes and attributed sizes. @throws {HeapBudgetExceededError} */
export function computeNodeFacts (snapshot: HeapSnapshot, budget: ScanBudget = new ScanBudget()): NodeFacts {
  return { classes: classifyNodes(snapshot), sizes: attributeShallowSizes(snapshot, budget) }
}

/** About this many ids are sampled per snapshot. */
const SAMPLE_TARGET = 4096

/** True for node types with ordered ids: heap objects, not synthetic or embedder nodes. */
export function isHeapObjectType (snapshot: HeapSnapshot, type: number): boolean {
  return type !== snapshot.meta.nodeTypes.synthetic && type !== snapshot.meta.nodeTypes.native
}

/** A 32-bit mix of an id; sampling keeps ids whose mix has its top `bits` bits clear. */
export function idHash (id: number): number {
  return Math.imul(id ^ (id >>> 16), 0x45d9f3b) >>> 0
}

/** FNV-1a over the node's type and name. */
export function nodeSignature (snapshot: HeapSnapshot, ordinal: number): number {
  const text = `${snapshot.nodeType(ordinal)}\u0000${snapshot.nodeName(ordinal)}`
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193)
  return h >>> 0
}

/**
 * Summarizes a snapshot.
 * @param facts - pass them when already computed for the same snapshot
 * @throws {HeapBudgetExceededError} when the budget runs out
 */
export function summarizeHeapSnapshot (snapshot: HeapSnapshot, facts?: NodeFacts, budget: ScanBudget = new ScanBudget()): HeapSnapshotSummary {
  const { classes, sizes } = facts ?? computeNodeFacts(snapshot, budget)
  const { meta, nodes, nodeCount } = snapshot
  const nfc = meta.nodeFieldCount
  const counts = new Float64Array(classes.names.length)
  const bytes = new Float64Array(classes.names.length)
  let totalSize = 0
  let maxObjectId = 0
  for (let n = 0, at = 0; n < nodeCount; n++, at += nfc) {
    const size = sizes[n]!
    totalSize += size
    const id = nodes[at + meta.nodeIdOffset]!
    if ((id & 1) === 1 && id > maxObjectId && isHeapObjectType(snapshot, nodes[at + meta.nodeTypeOffset]!)) maxObjectId = id
    if (size === 0) continue
    const c = classes.classOf[n]!
    counts[c]!++
    bytes[c] = bytes[c]! + size
    if ((n & (BUDGET_STRIDE - 1)) === 0) budget.spend('summary', BUDGET_STRIDE)
  }
  const totals: Record<string, ClassTotals> = {}
  classes.names.forEach((name, c) => {
    if (counts[c]! > 0) totals[name] = { count: counts[c]!, selfSize: bytes[c]! }
  })
  return {
    source: snapshot.source,
    nodeCount,
    edgeCount: snapshot.edgeCount,
    totalSize,
    maxObjectId,
    classes: totals,
    idSample: sampleIds(snapshot)
  }
}

function sampleIds (snapshot: HeapSnapshot): IdSample {
  const { meta, nodes, nodeCount } = snapshot
  const nfc = meta.nodeFieldCount
  const bits = Math.max(0, Math.floor(Math.log2(nodeCount / SAMPLE_TARGET)))
  const ids: number[] = []
  const signatures: number[] = []
  for (let n = 0, at = 0; n < nodeCount; n++, at += nfc) {
    const id = nodes[at + meta.nodeIdOffset]!
    if ((id & 1) === 0 || !isHeapObjectType(snapshot, nodes[at + meta.nodeTypeOffset]!)) continue
    if (bits > 0 && idHash(id) >>> (32 - bits) !== 0) continue
    ids.push(id)
    signatures.push(nodeSignature(snapshot, n))
  }
  return { bits, ids, signatures }
}

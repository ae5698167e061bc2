/**
 * A small, JSON-able summary of one snapshot: what the comparison needs from the baseline
 * and the intermediate rounds, so their models can be dropped as soon as they are read —
 * and it needs no edges, so they can be read light (snapshot-parser.ts `withEdges: false`).
 * - per-class object counts and V8 self sizes (nodes of size 0 not counted). For JS object
 *   classes the counts are those of the DevTools Summary view; DevTools' sizes also include
 *   the internal arrays an object owns, which takes the edges: see `devtoolsClassTotals`;
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
import { NODE_ID, NODE_SELF_SIZE, NODE_STRIDE, NODE_TYPE, type HeapSnapshot } from './heap-snapshot.js'
import { classifyNodes, NodeClassifier, type ClassifyOptions, type NodeClasses } from './node-classes.js'
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

/** Node-level facts of a snapshot read with its edges, for the analysis of the final one. */
export interface NodeFacts {
  classes: NodeClasses
  /** Attributed self size per node (DevTools semantics, see shallow-sizes.ts). */
  sizes: Uint32Array
}

/**
 * Computes classes and attributed sizes.
 * @throws {HeapBudgetExceededError} {@link HeapInvalidOptionsError} (snapshot read without edges)
 */
export function computeNodeFacts (snapshot: HeapSnapshot, budget: ScanBudget = new ScanBudget(), options: ClassifyOptions = {}): NodeFacts {
  return { classes: classifyNodes(snapshot, options), sizes: attributeShallowSizes(snapshot, budget) }
}

/**
 * Per-class counts and self sizes exactly as the Chrome DevTools Summary view shows them:
 * attributed sizes, `Detached ` names, nodes whose attributed size is 0 not counted.
 * @throws {HeapBudgetExceededError} {@link HeapInvalidOptionsError} (snapshot read without edges)
 */
export function devtoolsClassTotals (snapshot: HeapSnapshot, budget: ScanBudget = new ScanBudget()): Record<string, ClassTotals> {
  const { classes, sizes } = computeNodeFacts(snapshot, budget, { detachedNames: true })
  return classTotals(classes.names, sizes.length, (n) => classes.classOf[n]!, (n) => sizes[n]!, budget)
}

/** Totals per class: class id and size of each node from the callbacks, 0-size nodes skipped. */
function classTotals (names: readonly string[], nodeCount: number, classOf: (n: number) => number, sizeOf: (n: number) => number, budget: ScanBudget): Record<string, ClassTotals> {
  const counts: number[] = []
  const bytes: number[] = []
  for (let n = 0; n < nodeCount; n++) {
    const size = sizeOf(n)
    if ((n & (BUDGET_STRIDE - 1)) === 0) budget.spend('class totals', BUDGET_STRIDE)
    if (size === 0) continue
    const c = classOf(n)
    counts[c] = (counts[c] ?? 0) + 1
    bytes[c] = (bytes[c] ?? 0) + size
  }
  const totals: Record<string, ClassTotals> = {}
  names.forEach((name, c) => {
    if ((counts[c] ?? 0) > 0) totals[name] = { count: counts[c]!, selfSize: bytes[c]! }
  })
  return totals
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
 * Summarizes a snapshot, read light or whole.
 * @param classes - the snapshot's classes when already computed (plain names, see node-classes.ts)
 * @throws {HeapBudgetExceededError} when the budget runs out
 */
export function summarizeHeapSnapshot (snapshot: HeapSnapshot, budget: ScanBudget = new ScanBudget(), classes?: NodeClasses): HeapSnapshotSummary {
  const { meta, nodes, nodeCount } = snapshot
  let totalSize = 0
  let maxObjectId = 0
  for (let n = 0, at = 0; n < nodeCount; n++, at += NODE_STRIDE) {
    totalSize += nodes[at + NODE_SELF_SIZE]!
    const id = nodes[at + NODE_ID]!
    if ((id & 1) === 1 && id > maxObjectId && isHeapObjectType(snapshot, nodes[at + NODE_TYPE]!)) maxObjectId = id
  }
  const sizeOf = (n: number): number => nodes[n * NODE_STRIDE + NODE_SELF_SIZE]!
  // Without precomputed classes, classes are named on the fly: no per-node array is built.
  const classifier = classes === undefined ? new NodeClassifier(snapshot) : undefined
  const totals = classifier === undefined
    ? classTotals(classes!.names, nodeCount, (n) => classes!.classOf[n]!, sizeOf, budget)
    : classTotals(classifier.names, nodeCount, (n) => classifier.classOf(n), sizeOf, budget)
  return {
    source: snapshot.source,
    nodeCount,
    edgeCount: meta.edgeCount,
    totalSize,
    maxObjectId,
    classes: totals,
    idSample: sampleIds(snapshot)
  }
}

function sampleIds (snapshot: HeapSnapshot): IdSample {
  const { nodes, nodeCount } = snapshot
  const bits = Math.max(0, Math.floor(Math.log2(nodeCount / SAMPLE_TARGET)))
  const ids: number[] = []
  const signatures: number[] = []
  for (let n = 0, at = 0; n < nodeCount; n++, at += NODE_STRIDE) {
    const id = nodes[at + NODE_ID]!
    if ((id & 1) === 0 || !isHeapObjectType(snapshot, nodes[at + NODE_TYPE]!)) continue
    if (bits > 0 && idHash(id) >>> (32 - bits) !== 0) continue
    ids.push(id)
    signatures.push(nodeSignature(snapshot, n))
  }
  return { bits, ids, signatures }
}

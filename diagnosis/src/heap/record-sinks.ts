/**
 * Where the parser puts `nodes` and `edges`: the numbers arrive in V8's file layout, a few
 * thousand records at a time, and are written straight into the model's narrower layout
 * (heap-snapshot.ts), so that no full-size array in V8's layout ever exists. Checks that need
 * only the header (types, edge targets) are made here, on the way.
 */
import { EDGE_NAME, EDGE_STRIDE, EDGE_TYPE_SHIFT, EDGE_TYPE_TO, NODE_DETACHEDNESS, NODE_ID, NODE_NAME, NODE_SELF_SIZE, NODE_STRIDE, NODE_TYPE } from './heap-snapshot.js'
import type { HeapSnapshotMeta } from './snapshot-meta.js'

/** Receives whole records; returns a problem to report, or undefined. */
export interface RecordSink {
  /** Values per record in the file. */
  readonly fields: number
  /** Records the header announces. */
  readonly expected: number
  readonly records: number
  consume: (values: Uint32Array, count: number) => string | undefined
}

export class NodeSink implements RecordSink {
  readonly fields: number
  readonly expected: number
  records = 0
  readonly nodes: Uint32Array
  /**
   * Filled as nodes arrive; `firstEdge[nodeCount]` is set by `edgeTotal` at the end. Empty
   * for a light read, which has no edges to index.
   */
  readonly firstEdge: Uint32Array
  edgeTotal = 0
  readonly #meta: HeapSnapshotMeta

  constructor (meta: HeapSnapshotMeta, withEdges: boolean) {
    this.#meta = meta
    this.fields = meta.nodeFieldCount
    this.expected = meta.nodeCount
    this.nodes = new Uint32Array(meta.nodeCount * NODE_STRIDE)
    this.firstEdge = new Uint32Array(withEdges ? meta.nodeCount + 1 : 0)
  }

  consume (values: Uint32Array, count: number): string | undefined {
    // Offsets in locals: V8 does not hoist property loads out of a loop that stores to
    // typed arrays, and this loop runs once per node.
    const m = this.#meta
    const typeCount = m.nodeTypeNames.length
    const fields = this.fields
    const expected = this.expected
    const typeOff = m.nodeTypeOffset
    const nameOff = m.nodeNameOffset
    const idOff = m.nodeIdOffset
    const sizeOff = m.nodeSelfSizeOffset
    const edgeCountOff = m.nodeEdgeCountOffset
    const detachedness = m.nodeDetachednessOffset
    const { nodes, firstEdge } = this
    const indexEdges = firstEdge.length > 0
    let r = this.records
    let total = this.edgeTotal
    for (let i = 0; i < count; i += fields, r++) {
      if (r === expected) return `"nodes" has more values than the header announces (${expected} nodes)`
      const type = values[i + typeOff]!
      if (type >= typeCount) return `node ${r} has unknown type ${type}`
      const at = r * NODE_STRIDE
      nodes[at + NODE_TYPE] = type
      nodes[at + NODE_NAME] = values[i + nameOff]!
      nodes[at + NODE_ID] = values[i + idOff]!
      nodes[at + NODE_SELF_SIZE] = values[i + sizeOff]!
      nodes[at + NODE_DETACHEDNESS] = detachedness === -1 ? 0 : values[i + detachedness]!
      if (indexEdges) firstEdge[r] = total
      total += values[i + edgeCountOff]!
    }
    this.records = r
    this.edgeTotal = total
    return undefined
  }
}

export class EdgeSink implements RecordSink {
  readonly fields: number
  readonly expected: number
  records = 0
  readonly edges: Uint32Array
  readonly #meta: HeapSnapshotMeta

  constructor (meta: HeapSnapshotMeta) {
    this.#meta = meta
    this.fields = meta.edgeFieldCount
    this.expected = meta.edgeCount
    this.edges = new Uint32Array(meta.edgeCount * EDGE_STRIDE)
  }

  consume (values: Uint32Array, count: number): string | undefined {
    const m = this.#meta
    const typeCount = m.edgeTypeNames.length
    const nfc = m.nodeFieldCount
    const nodeCount = m.nodeCount
    const fields = this.fields
    const expected = this.expected
    const typeOff = m.edgeTypeOffset
    const nameOff = m.edgeNameOrIndexOffset
    const toOff = m.edgeToNodeOffset
    const { edges } = this
    let r = this.records
    for (let i = 0; i < count; i += fields, r++) {
      if (r === expected) return `"edges" has more values than the header announces (${expected} edges)`
      const type = values[i + typeOff]!
      if (type >= typeCount) return `edge ${r} has unknown type ${type}`
      // V8 writes the target as its offset in "nodes"; the model keeps its ordinal.
      const to = values[i + toOff]!
      const ordinal = (to / nfc) >>> 0
      if (ordinal >= nodeCount || ordinal * nfc !== to) return `edge ${r} points at node offset ${to}, outside the ${nodeCount} nodes`
      const at = r * EDGE_STRIDE
      edges[at + EDGE_NAME] = values[i + nameOff]!
      edges[at + EDGE_TYPE_TO] = ((type << EDGE_TYPE_SHIFT) | ordinal) >>> 0
    }
    this.records = r
    return undefined
  }
}

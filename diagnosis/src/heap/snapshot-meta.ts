/**
 * The `snapshot` header of a V8 heap snapshot, converted to camelCase at this boundary.
 *
 * V8 describes its flat arrays in `snapshot.meta`: the field names of one node and one edge,
 * and the enum of node and edge types (V8 `HeapSnapshotJSONSerializer::SerializeSnapshot`,
 * src/profiler/heap-snapshot-generator.cc). Offsets are looked up by name instead of being
 * hard-coded, so a V8 that adds a field (as `detachedness` was added in V8 9.x) still parses.
 */
import { HeapUnsupportedMetaError } from './errors.js'

/** Node type ids, by name; -1 when this V8 does not have the type. */
export interface NodeTypeIds {
  hidden: number
  array: number
  string: number
  object: number
  code: number
  closure: number
  regexp: number
  number: number
  native: number
  synthetic: number
  concatenatedString: number
  slicedString: number
  symbol: number
  bigint: number
  objectShape: number
}

/** Edge type ids, by name; -1 when this V8 does not have the type. */
export interface EdgeTypeIds {
  context: number
  element: number
  property: number
  internal: number
  hidden: number
  shortcut: number
  weak: number
}

export interface HeapSnapshotMeta {
  nodeFields: readonly string[]
  /** Names of node types, indexed by the `type` field. */
  nodeTypeNames: readonly string[]
  edgeFields: readonly string[]
  /** Names of edge types, indexed by the `type` field. */
  edgeTypeNames: readonly string[]
  nodeFieldCount: number
  nodeTypeOffset: number
  nodeNameOffset: number
  nodeIdOffset: number
  nodeSelfSizeOffset: number
  nodeEdgeCountOffset: number
  /** -1 when absent. */
  nodeTraceNodeIdOffset: number
  /** -1 when absent (V8 before 9.x). */
  nodeDetachednessOffset: number
  edgeFieldCount: number
  edgeTypeOffset: number
  edgeNameOrIndexOffset: number
  edgeToNodeOffset: number
  locationFieldCount: number
  locationObjectIndexOffset: number
  locationScriptIdOffset: number
  locationLineOffset: number
  locationColumnOffset: number
  nodeTypes: NodeTypeIds
  edgeTypes: EdgeTypeIds
  /** Counts announced by the header; the parser checks the arrays against them. */
  nodeCount: number
  edgeCount: number
}

function fail (source: string, problem: string): never {
  throw new HeapUnsupportedMetaError({ source, problem })
}

function stringList (value: unknown, source: string, what: string): string[] {
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) fail(source, `${what} is not a list of names`)
  return value
}

function required (fields: readonly string[], name: string, source: string, what: string): number {
  const i = fields.indexOf(name)
  if (i === -1) fail(source, `${what} has no "${name}" field (fields: ${fields.join(', ')})`)
  return i
}

function typeEnum (types: unknown, typeOffset: number, source: string, what: string): string[] {
  if (!Array.isArray(types)) fail(source, `${what} is missing`)
  return stringList(types[typeOffset], source, `${what}[${typeOffset}]`)
}

function count (value: unknown, source: string, what: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) fail(source, `${what} is ${JSON.stringify(value)}, not a count`)
  return value
}

/**
 * Reads the parsed `snapshot` header object.
 * @param header - the value of the top-level `snapshot` key, already JSON-parsed
 * @param source - file path or label for messages
 * @throws {HeapUnsupportedMetaError} when a field this analysis needs is missing or malformed
 */
export function readSnapshotMeta (header: unknown, source: string): HeapSnapshotMeta {
  if (header === null || typeof header !== 'object') fail(source, '"snapshot" is not an object')
  const h = header as Record<string, unknown>
  const meta = h.meta as Record<string, unknown> | undefined
  if (meta === null || typeof meta !== 'object') fail(source, '"snapshot.meta" is missing')

  const nodeFields = stringList(meta.node_fields, source, 'meta.node_fields')
  const edgeFields = stringList(meta.edge_fields, source, 'meta.edge_fields')
  const nodeTypeOffset = required(nodeFields, 'type', source, 'meta.node_fields')
  const edgeTypeOffset = required(edgeFields, 'type', source, 'meta.edge_fields')
  const nodeTypeNames = typeEnum(meta.node_types, nodeTypeOffset, source, 'meta.node_types')
  const edgeTypeNames = typeEnum(meta.edge_types, edgeTypeOffset, source, 'meta.edge_types')
  const locationFields = meta.location_fields === undefined ? [] : stringList(meta.location_fields, source, 'meta.location_fields')

  const nodeType = (name: string): number => nodeTypeNames.indexOf(name)
  const edgeType = (name: string): number => edgeTypeNames.indexOf(name)
  const result: HeapSnapshotMeta = {
    nodeFields,
    nodeTypeNames,
    edgeFields,
    edgeTypeNames,
    nodeFieldCount: nodeFields.length,
    nodeTypeOffset,
    nodeNameOffset: required(nodeFields, 'name', source, 'meta.node_fields'),
    nodeIdOffset: required(nodeFields, 'id', source, 'meta.node_fields'),
    nodeSelfSizeOffset: required(nodeFields, 'self_size', source, 'meta.node_fields'),
    nodeEdgeCountOffset: required(nodeFields, 'edge_count', source, 'meta.node_fields'),
    nodeTraceNodeIdOffset: nodeFields.indexOf('trace_node_id'),
    nodeDetachednessOffset: nodeFields.indexOf('detachedness'),
    edgeFieldCount: edgeFields.length,
    edgeTypeOffset,
    edgeNameOrIndexOffset: required(edgeFields, 'name_or_index', source, 'meta.edge_fields'),
    edgeToNodeOffset: required(edgeFields, 'to_node', source, 'meta.edge_fields'),
    locationFieldCount: locationFields.length,
    locationObjectIndexOffset: locationFields.indexOf('object_index'),
    locationScriptIdOffset: locationFields.indexOf('script_id'),
    locationLineOffset: locationFields.indexOf('line'),
    locationColumnOffset: locationFields.indexOf('column'),
    nodeTypes: {
      hidden: nodeType('hidden'),
      array: nodeType('array'),
      string: nodeType('string'),
      object: nodeType('object'),
      code: nodeType('code'),
      closure: nodeType('closure'),
      regexp: nodeType('regexp'),
      number: nodeType('number'),
      native: nodeType('native'),
      synthetic: nodeType('synthetic'),
      concatenatedString: nodeType('concatenated string'),
      slicedString: nodeType('sliced string'),
      symbol: nodeType('symbol'),
      bigint: nodeType('bigint'),
      objectShape: nodeType('object shape')
    },
    edgeTypes: {
      context: edgeType('context'),
      element: edgeType('element'),
      property: edgeType('property'),
      internal: edgeType('internal'),
      hidden: edgeType('hidden'),
      shortcut: edgeType('shortcut'),
      weak: edgeType('weak')
    },
    nodeCount: count(h.node_count, source, 'snapshot.node_count'),
    edgeCount: count(h.edge_count, source, 'snapshot.edge_count')
  }
  if (result.nodeTypes.object === -1 || result.nodeTypes.synthetic === -1) fail(source, `meta.node_types lacks "object" or "synthetic" (${nodeTypeNames.join(', ')})`)
  if (result.edgeTypes.element === -1 || result.edgeTypes.hidden === -1) fail(source, `meta.edge_types lacks "element" or "hidden" (${edgeTypeNames.join(', ')})`)
  return result
}

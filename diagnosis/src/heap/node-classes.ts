/**
 * Groups nodes by class ("constructor") the way the Chrome DevTools Summary view does, so
 * that counts and sizes read the same in soakwatch and in DevTools (a test checks them
 * against DevTools' own code, heap-snapshot-toolkit):
 * - `object` and `native` nodes: their name, the constructor (`ChatSession`, `Map`, `Socket`);
 *   an HTML-like name `<div id="a">` is shortened to `<div>`;
 * - `closure` → `Function`, `regexp` → `RegExp`, `code` → `(compiled code)`,
 *   `hidden` → `(system)`, any other type → `(type)`, e.g. `(string)`, `(array)`.
 * - embedder (`native`) nodes the embedder marks detached, and native nodes reachable only
 *   from detached ones, get a `Detached ` prefix (DevTools' DOM-state propagation; Node marks
 *   some of its binding objects this way).
 * DevTools further splits plain `Object`s by inferred shape (`{a, b}`); soakwatch keeps them
 * as `Object`: the retainer paths say which property holds them.
 * Source: devtools-frontend `HeapSnapshot.calculateObjectNames` and `propagateDOMState`.
 */
import type { ScratchArrays } from './scratch-arrays.js'
import { EDGE_STRIDE, EDGE_TO_MASK, EDGE_TYPE_SHIFT, EDGE_TYPE_TO, NODE_DETACHEDNESS, NODE_NAME, NODE_STRIDE, NODE_TYPE, type HeapSnapshot } from './heap-snapshot.js'

export interface NodeClasses {
  /** Class id of each node ordinal. */
  classOf: Uint32Array
  /** Class names, by class id. */
  names: string[]
}

export interface ClassifyOptions {
  /**
   * Apply DevTools' `Detached ` prefix (needs the edges). Off by default: the prefix only
   * concerns embedder nodes, and a light read of a baseline cannot compute it, so the
   * comparison names classes without it everywhere.
   */
  detachedNames?: boolean
  /** Where the per-node array comes from. */
  scratch?: ScratchArrays
}

/**
 * Computes the class of every node.
 * @throws {HeapInvalidOptionsError} with `detachedNames` on a snapshot read without edges
 */
export function classifyNodes (snapshot: HeapSnapshot, options: ClassifyOptions = {}): NodeClasses {
  const classifier = new NodeClassifier(snapshot, options.detachedNames === true ? detachedNatives(snapshot) : undefined)
  const classOf = options.scratch?.take().subarray(0, snapshot.nodeCount) ?? new Uint32Array(snapshot.nodeCount)
  for (let n = 0; n < snapshot.nodeCount; n++) classOf[n] = classifier.classOf(n)
  return { classOf, names: classifier.names }
}

/**
 * Names classes node by node without materializing a per-node array, for passes that only
 * aggregate (the summary). Class ids are dense and in order of first appearance.
 */
export class NodeClassifier {
  /** Class names, by class id. */
  readonly names: string[] = []
  readonly #snapshot: HeapSnapshot
  readonly #ids = new Map<string, number>()
  /** Class id per node type, or -1 when the class depends on the name (object, native). */
  readonly #byType: Int32Array
  /** Class id per name string, looked up by string id rather than a Map per node. */
  readonly #byName: Int32Array
  readonly #byDetachedName = new Map<number, number>()
  readonly #detached: Uint8Array | undefined

  constructor (snapshot: HeapSnapshot, detached?: Uint8Array) {
    this.#snapshot = snapshot
    this.#detached = detached
    const { meta } = snapshot
    const t = meta.nodeTypes
    this.#byType = new Int32Array(meta.nodeTypeNames.length).fill(-1)
    meta.nodeTypeNames.forEach((type, i) => {
      if (i === t.object || i === t.native) return
      this.#byType[i] = this.#idFor(i === t.hidden
        ? '(system)'
        : i === t.code ? '(compiled code)' : i === t.closure ? 'Function' : i === t.regexp ? 'RegExp' : `(${type})`)
    })
    this.#byName = new Int32Array(snapshot.strings.length).fill(-1)
  }

  /** The class id of node `n`. */
  classOf (n: number): number {
    const { nodes, strings } = this.#snapshot
    const at = n * NODE_STRIDE
    const fixed = this.#byType[nodes[at + NODE_TYPE]!]!
    if (fixed !== -1) return fixed
    const nameIndex = nodes[at + NODE_NAME]!
    if (this.#detached !== undefined && this.#detached[n] === DETACHED) {
      let id = this.#byDetachedName.get(nameIndex)
      if (id === undefined) {
        id = this.#idFor(className(`Detached ${strings.get(nameIndex)}`))
        this.#byDetachedName.set(nameIndex, id)
      }
      return id
    }
    let id = this.#byName[nameIndex]!
    if (id === -1) {
      id = this.#idFor(className(strings.get(nameIndex)))
      this.#byName[nameIndex] = id
    }
    return id
  }

  #idFor (name: string): number {
    let id = this.#ids.get(name)
    if (id === undefined) {
      id = this.names.length
      this.names.push(name)
      this.#ids.set(name, id)
    }
    return id
  }
}

const ATTACHED = 1
const DETACHED = 2

/**
 * The DOM-link state of each node after propagation, or undefined when the snapshot has no
 * `detachedness` field. Native nodes with a known state pass it on along strong, non-hidden
 * edges to native nodes whose state is unknown — attached first, so attached wins — and the
 * propagation stops at JS nodes: every entry point into embedder code knows its own state.
 */
function detachedNatives (snapshot: HeapSnapshot): Uint8Array | undefined {
  const { meta, nodes, edges, firstEdge, nodeCount } = snapshot
  if (meta.nodeDetachednessOffset === -1) return undefined
  snapshot.requireEdges('detached-node names')
  const native = meta.nodeTypes.native
  const state = new Uint8Array(nodeCount)
  const visited = new Uint8Array(nodeCount)
  const queues: number[][] = [[], [], []]
  const visit = (n: number, value: number): void => {
    if (visited[n] === 1) return
    visited[n] = 1
    if (nodes[n * NODE_STRIDE + NODE_TYPE] !== native) return
    state[n] = value
    if (value === ATTACHED || value === DETACHED) queues[value]!.push(n)
  }
  for (let n = 0; n < nodeCount; n++) {
    const known = nodes[n * NODE_STRIDE + NODE_DETACHEDNESS]!
    if (known !== 0) visit(n, known)
  }
  const { hidden, weak } = meta.edgeTypes
  for (const value of [ATTACHED, DETACHED]) {
    const queue = queues[value]!
    while (queue.length > 0) {
      const n = queue.pop()!
      if (state[n] !== value) continue
      for (let e = firstEdge[n]!; e < firstEdge[n + 1]!; e++) {
        const packed = edges[e * EDGE_STRIDE + EDGE_TYPE_TO]!
        const type = packed >>> EDGE_TYPE_SHIFT
        if (type === hidden || type === weak) continue
        visit(packed & EDGE_TO_MASK, value)
      }
    }
  }
  return state
}

/** `<div id="a">` → `<div>`, `Detached <div id="a">` → `Detached <div>`; other names as is. */
function className (name: string): string {
  const prefix = name.startsWith('<') ? 0 : name.startsWith('Detached <') ? 9 : -1
  if (prefix === -1) return name
  const space = name.indexOf(' ', prefix + 1)
  return space === -1 ? name : `${name.slice(0, space)}>`
}

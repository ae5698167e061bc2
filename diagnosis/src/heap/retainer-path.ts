/**
 * Renders a retaining path for people:
 *   (GC roots) → global.chatServer → ChatServer.sessions → Map → ChatSession
 * Each visible object appears once, by class (closures as `name()`), followed by the
 * property or captured variable through which it holds the next one. V8's internal storage
 * between two objects — a Map's hash table, elements and property arrays, closure scope
 * objects — is folded away, and element indexes are dropped, so that paths of many objects
 * of one kind render identically and can be counted together.
 */
import type { HeapSnapshot } from './heap-snapshot.js'
import type { NodeClasses } from './node-classes.js'

export interface RenderedPath {
  /** The path as one line. */
  text: string
  /** Snapshot ids of the objects shown, root side first (find them in DevTools with @id). */
  ids: number[]
}

/** Paths longer than this many objects keep their head and tail around an ellipsis. */
const MAX_SEGMENTS = 14
const HEAD = 4
const IDENTIFIER = /^#?[A-Za-z_$][\w$]*$/

/** Renders the path given as edge ordinals from the root (see shortest-paths.ts). */
export function renderRetainerPath (snapshot: HeapSnapshot, classes: NodeClasses, path: readonly number[]): RenderedPath {
  const segments: string[] = ['(GC roots)']
  const ids: number[] = []
  const t = snapshot.meta.nodeTypes
  const et = snapshot.meta.edgeTypes
  path.forEach((edge, i) => {
    const from = snapshot.edgeFrom(edge)
    const to = snapshot.edgeTo(edge)
    const last = i === path.length - 1
    // The root's own links (to "(GC roots)" and to the global object) carry no information.
    if (from !== snapshot.rootOrdinal) {
      const type = snapshot.edgeTypeId(edge)
      if (type === et.property || type === et.context || type === et.shortcut) segments[segments.length - 1] += accessor(snapshot.edgeName(edge))
    } else if (snapshot.nodeName(to) === '(GC roots)' && !last) {
      return
    }
    const type = snapshot.nodeTypeId(to)
    const internal = type === t.hidden || type === t.array || type === t.objectShape || snapshot.nodeName(to) === 'system / Context'
    if (internal && !last) return
    // The root's shortcuts lead to global objects, named "global / <url>" by V8: keep "global".
    const label = from === snapshot.rootOrdinal && type === t.object ? snapshot.nodeName(to).split(' / ')[0]! : nodeLabel(snapshot, classes, to)
    segments.push(label)
    ids.push(snapshot.nodeId(to))
  })
  const shown = segments.length > MAX_SEGMENTS
    ? [...segments.slice(0, HEAD), '…', ...segments.slice(segments.length - (MAX_SEGMENTS - HEAD - 1))]
    : segments
  return { text: shown.join(' → '), ids }
}

/**
 * How the property or variable reads in code: `.name`, `.#private`, `[Symbol(desc)]` (V8
 * names symbol keys `<symbol desc>`), or `["other key"]`.
 */
function accessor (name: string): string {
  if (IDENTIFIER.test(name)) return `.${name}`
  const symbol = /^<symbol (.*)>$/.exec(name)
  return symbol === null ? `[${JSON.stringify(name)}]` : `[Symbol(${symbol[1]!})]`
}

function nodeLabel (snapshot: HeapSnapshot, classes: NodeClasses, ordinal: number): string {
  const type = snapshot.nodeTypeId(ordinal)
  if (type === snapshot.meta.nodeTypes.closure) {
    const name = snapshot.nodeName(ordinal)
    return `${name === '' ? 'anonymous' : name}()`
  }
  if (type === snapshot.meta.nodeTypes.synthetic) return snapshot.nodeName(ordinal)
  return classes.names[classes.classOf[ordinal]!] ?? snapshot.nodeName(ordinal)
}

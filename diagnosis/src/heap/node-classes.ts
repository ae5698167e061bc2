/**
 * Groups nodes by class ("constructor") the way the Chrome DevTools Summary view does, so
 * that counts and sizes read the same in soakwatch and in DevTools (a test checks them
 * against DevTools' own code, heap-snapshot-toolkit):
 * - `object` and `native` nodes: their name, the constructor (`ChatSession`, `Map`, `Socket`);
 *   an HTML-like name `<div id="a">` is shortened to `<div>`;
 * - `closure` → `Function`, `regexp` → `RegExp`, `code` → `(compiled code)`,
 *   `hidden` → `(system)`, any other type → `(type)`, e.g. `(string)`, `(array)`.
 * DevTools further splits plain `Object`s by inferred shape (`{a, b}`); soakwatch keeps them
 * as `Object` and shows the shape on retainer paths instead.
 * Source: devtools-frontend `HeapSnapshot.calculateObjectNames`.
 */
import type { HeapSnapshot } from './heap-snapshot.js'

export interface NodeClasses {
  /** Class id of each node ordinal. */
  classOf: Uint32Array
  /** Class names, by class id. */
  names: string[]
}

/** Computes the class of every node. */
export function classifyNodes (snapshot: HeapSnapshot): NodeClasses {
  const { meta, nodes, nodeCount, strings } = snapshot
  const t = meta.nodeTypes
  const names: string[] = []
  const ids = new Map<string, number>()
  const idFor = (name: string): number => {
    let id = ids.get(name)
    if (id === undefined) {
      id = names.length
      names.push(name)
      ids.set(name, id)
    }
    return id
  }
  // One class per node type for the types whose class does not depend on the name.
  const byType = new Int32Array(meta.nodeTypeNames.length).fill(-1)
  meta.nodeTypeNames.forEach((type, i) => {
    if (i === t.object || i === t.native) return
    byType[i] = idFor(i === t.hidden
      ? '(system)'
      : i === t.code ? '(compiled code)' : i === t.closure ? 'Function' : i === t.regexp ? 'RegExp' : `(${type})`)
  })
  // object/native nodes: one class per distinct name string, looked up through a table
  // indexed by string id rather than a Map per node.
  const byName = new Int32Array(strings.length).fill(-1)
  const classOf = new Uint32Array(nodeCount)
  const nfc = meta.nodeFieldCount
  for (let n = 0, at = 0; n < nodeCount; n++, at += nfc) {
    const type = nodes[at + meta.nodeTypeOffset]!
    const fixed = byType[type]!
    if (fixed !== -1) {
      classOf[n] = fixed
      continue
    }
    const nameIndex = nodes[at + meta.nodeNameOffset]!
    let id = byName[nameIndex]!
    if (id === -1) {
      id = idFor(className(strings.get(nameIndex)))
      byName[nameIndex] = id
    }
    classOf[n] = id
  }
  return { classOf, names }
}

/** `<div id="a">` → `<div>`, `Detached <div id="a">` → `Detached <div>`; other names as is. */
function className (name: string): string {
  const prefix = name.startsWith('<') ? 0 : name.startsWith('Detached <') ? 9 : -1
  if (prefix === -1) return name
  const space = name.indexOf(' ', prefix + 1)
  return space === -1 ? name : `${name.slice(0, space)}>`
}

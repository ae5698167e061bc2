import { describe, expect, it } from 'vitest'
import { computeDominators } from '../../src/heap/dominators.js'
import { findRetainingEdges } from '../../src/heap/retaining-edges.js'
import { attributeShallowSizes } from '../../src/heap/shallow-sizes.js'
import { parseText, rootedGraph, snapshotText } from './helper.js'

describe('findRetainingEdges', () => {
  // root → global(2) → .map WeakMap(3) → table(4) ⇢ value(6); global → .key key(5) ⇢ value(6).
  // V8 writes the value's two holders as internal edges named after the key/value pair.
  const pair = (n: number): string => `${n} / part of key (Object @11) -> value (Value @13) pair in WeakMap (table @9)`
  const s = parseText(snapshotText(rootedGraph([
    { type: 'object', name: 'global', id: 5, selfSize: 40, edges: [{ type: 'property', name: 'map', to: 3 }, { type: 'property', name: 'key', to: 5 }, { type: 'shortcut', name: 'again', to: 5 }, { type: 'property', name: 'self', to: 2 }] },
    { type: 'object', name: 'WeakMap', id: 7, selfSize: 32, edges: [{ type: 'internal', name: 'table', to: 4 }] },
    { type: 'array', name: '', id: 9, selfSize: 64, edges: [{ type: 'internal', name: pair(1), to: 6 }] },
    { type: 'object', name: 'Object', id: 11, selfSize: 16, edges: [{ type: 'internal', name: pair(2), to: 6 }] },
    { type: 'object', name: 'Value', id: 13, selfSize: 100, edges: [] }
  ], [{ type: 'shortcut', name: 'global', to: 2 }])))
  const retaining = findRetainingEdges(s)
  const edgeNamed = (name: string): number => Array.from({ length: s.edgeCount }, (_, e) => e).find((e) => s.edgeName(e) === name)!

  it('keeps the key\'s half of a WeakMap entry and drops the table\'s', () => {
    expect(retaining.has(edgeNamed(pair(2)))).toBe(true)
    expect(retaining.has(edgeNamed(pair(1)))).toBe(false)
    const { idom } = computeDominators(s, retaining, attributeShallowSizes(s))
    expect(idom[6]).toBe(5)
  })

  it('drops shortcuts between objects and self edges, keeps the root\'s shortcut', () => {
    expect(retaining.has(edgeNamed('again'))).toBe(false)
    expect(retaining.has(edgeNamed('self'))).toBe(false)
    expect(retaining.has(edgeNamed('global'))).toBe(true)
  })
})

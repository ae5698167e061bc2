import { describe, expect, it } from 'vitest'
import { attributeShallowSizes } from '../../src/heap/shallow-sizes.js'
import { parseText, rootedGraph, snapshotText } from './helper.js'

describe('attributeShallowSizes', () => {
  it('moves an internal node owned by one object onto it, and keeps shared ones apart', () => {
    // 2: Map owning its table 3; 4 and 5 share the array 6; 7 holds a weak link to table 3.
    const s = parseText(snapshotText(rootedGraph([
      { type: 'object', name: 'Map', id: 5, selfSize: 32, edges: [{ type: 'internal', name: 'table', to: 3 }] },
      { type: 'array', name: '', id: 7, selfSize: 400 },
      { type: 'object', name: 'A', id: 9, selfSize: 16, edges: [{ type: 'internal', name: 'elements', to: 6 }] },
      { type: 'object', name: 'B', id: 11, selfSize: 16, edges: [{ type: 'internal', name: 'elements', to: 6 }] },
      { type: 'array', name: '', id: 13, selfSize: 100 },
      { type: 'object', name: 'C', id: 15, selfSize: 8, edges: [{ type: 'weak', name: 'w', to: 3 }] }
    ], [{ type: 'shortcut', name: 'global', to: 2 }, { type: 'property', name: 'a', to: 4 }, { type: 'property', name: 'b', to: 5 }, { type: 'property', name: 'c', to: 7 }])))
    const sizes = attributeShallowSizes(s)
    expect([...sizes]).toEqual([0, 0, 432, 0, 16, 16, 100, 8])
  })

  it('does nothing when the root has no user (non-synthetic) child', () => {
    const s = parseText(snapshotText(rootedGraph([
      { type: 'object', name: 'Map', id: 5, selfSize: 32, edges: [{ type: 'internal', name: 'table', to: 3 }] },
      { type: 'array', name: '', id: 7, selfSize: 400 }
    ], [])))
    expect([...attributeShallowSizes(s)]).toEqual([0, 0, 32, 400])
  })
})

import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { computeDominators } from '../../src/heap/dominators.js'
import { findRetainingEdges } from '../../src/heap/retaining-edges.js'
import { attributeShallowSizes } from '../../src/heap/shallow-sizes.js'
import { parseText, snapshotText, type FakeNode } from './helper.js'

/** Builds a snapshot: node 0 is the root, the others are objects of size 10·(i+1). */
function graph (count: number, edges: Array<[number, number, string?]>): FakeNode[] {
  const nodes: FakeNode[] = Array.from({ length: count }, (_, i) => ({
    type: i === 0 ? 'synthetic' : 'object',
    name: i === 0 ? '' : `N${i}`,
    id: 1 + 2 * i,
    selfSize: i === 0 ? 0 : 10 * (i + 1),
    edges: []
  }))
  for (const [from, to, type = 'property'] of edges) nodes[from]!.edges!.push({ type, name: `e${to}`, to })
  return nodes
}

/**
 * Dominators by definition: the iterative data-flow solution (Aho/Ullman), O(n² · e), fine
 * for a few dozen nodes and independent of the algorithm under test.
 */
function naiveDominators (count: number, edges: Array<[number, number, string?]>): { idom: number[], retained: number[] } {
  const strong = edges.filter(([f, t, type]) => type !== 'weak' && f !== t)
  const reach = new Set([0])
  for (let changed = true; changed;) {
    changed = false
    for (const [f, t] of strong) if (reach.has(f) && !reach.has(t)) { reach.add(t); changed = true }
  }
  const all = [...Array(count).keys()]
  const dom = all.map((n) => n === 0 ? new Set([0]) : new Set(reach.has(n) ? [...reach] : [n]))
  for (let changed = true; changed;) {
    changed = false
    for (const n of all) {
      if (n === 0 || !reach.has(n)) continue
      const preds = strong.filter(([f, t]) => t === n && reach.has(f)).map(([f]) => f)
      const next = new Set([n, ...[...dom[preds[0]!]!].filter((d) => preds.every((p) => dom[p]!.has(d)))])
      if (next.size !== dom[n]!.size) { dom[n] = next; changed = true }
    }
  }
  const idom = all.map((n) => {
    if (n === 0 || !reach.has(n)) return 0
    const strict = [...dom[n]!].filter((d) => d !== n)
    return strict.find((d) => strict.every((o) => dom[d]!.has(o)))!
  })
  const size = (n: number): number => n === 0 ? 0 : 10 * (n + 1)
  const retained = all.map((n) => all.filter((m) => reach.has(m) && dom[m]!.has(n)).reduce((s, m) => s + size(m), 0))
  retained[0] = all.reduce((s, m) => s + size(m), 0)
  for (const n of all) if (!reach.has(n)) retained[n] = size(n)
  return { idom, retained }
}

function analyse (count: number, edges: Array<[number, number, string?]>): { idom: number[], retained: number[] } {
  const s = parseText(snapshotText(graph(count, edges)))
  const d = computeDominators(s, findRetainingEdges(s), attributeShallowSizes(s))
  return { idom: [...d.idom], retained: [...d.retained] }
}

describe('computeDominators', () => {
  it('solves the flow graph of Lengauer & Tarjan (1979), fig. 1', () => {
    // R=0 A=1 B=2 C=3 D=4 E=5 F=6 G=7 H=8 I=9 J=10 K=11 L=12
    const edges: Array<[number, number]> = [[0, 1], [0, 2], [0, 3], [1, 4], [2, 1], [2, 4], [2, 5], [3, 6], [3, 7], [4, 12], [5, 8], [6, 9], [7, 9], [7, 10], [8, 5], [8, 11], [9, 11], [10, 9], [11, 9], [11, 0], [12, 8]]
    const { idom } = analyse(13, edges)
    // Expected immediate dominators from the paper: I, K and H have R; F, G have C; J has G.
    expect(idom).toEqual([0, 0, 0, 0, 0, 0, 3, 3, 0, 0, 7, 0, 4])
  })

  it('ignores weak edges and attributes unreachable nodes to nobody but themselves', () => {
    const { idom, retained } = analyse(4, [[0, 1], [1, 2], [0, 2, 'weak'], [3, 1]])
    expect(idom).toEqual([0, 0, 1, 0])
    expect(retained[1]).toBe(20 + 30)
    expect(retained[3]).toBe(40)
  })

  it('agrees with the definition on random graphs', () => {
    // Without bias: fast-check's default bias toward small values puts most edges on the
    // first few nodes and leaves the predecessor bookkeeping of the others untested.
    const arbGraph = fc.integer({ min: 2, max: 30 }).chain((count) => fc.tuple(
      fc.constant(count),
      fc.noBias(fc.array(fc.tuple(fc.nat(count - 1), fc.nat(count - 1), fc.constantFrom('property', 'property', 'property', 'weak')), { maxLength: count * 3 }))
    ))
    fc.assert(fc.property(arbGraph, ([count, edges]) => {
      expect(analyse(count, edges)).toEqual(naiveDominators(count, edges))
    }), { numRuns: 500 })
  })
})

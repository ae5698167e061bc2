import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hasCode } from '../../../common/src/define-error.js'
import type { HeapSnapshot } from '../../src/heap/heap-snapshot.js'
import { ScanBudget } from '../../src/heap/scan-budget.js'
import { HeapSnapshotParser, parseHeapSnapshot } from '../../src/heap/snapshot-parser.js'
import { parseText, rootedGraph, snapshotText, tempDir } from './helper.js'

const encoder = new TextEncoder()

/** A small snapshot exercising escapes, non-ASCII text, skipped keys and nested arrays. */
const tricky = snapshotText(rootedGraph([
  { type: 'object', name: 'Chat"Session\\', id: 5, selfSize: 72, edges: [{ type: 'property', name: 'nick\n', to: 3 }] },
  { type: 'string', name: 'héllo 😀 \u0001 </script>', id: 7, selfSize: 24 }
], [{ type: 'shortcut', name: 'global', to: 2 }]), '\n"trace_function_infos":[],\n"trace_tree":[1,2,[3,[4,"]",{"a":"}"}]]],\n"samples":[],\n"locations":[14,1,2,3],')

/** The parts of a model that must not depend on how the input was cut. */
function modelOf (s: HeapSnapshot): unknown {
  return {
    nodes: [...s.nodes],
    edges: [...s.edges],
    firstEdge: [...s.firstEdge],
    locations: [...s.locations],
    strings: Array.from({ length: s.strings.length }, (_, i) => s.strings.get(i)),
    meta: s.meta
  }
}

/** A digest of the same parts, for large models where a deep comparison is slow. */
function digestOf (s: HeapSnapshot): string {
  const hash = createHash('sha256')
  for (const a of [s.nodes, s.edges, s.firstEdge, s.locations]) hash.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength))
  for (let i = 0; i < s.strings.length; i++) hash.update(`${s.strings.get(i)}\u0000`)
  return hash.digest('hex')
}

function chunked (bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b)
  const chunks: Uint8Array[] = []
  let at = 0
  for (const p of [...points, bytes.length]) {
    chunks.push(bytes.subarray(at, p))
    at = p
  }
  return chunks
}

function codeOf (fn: () => unknown): string | undefined {
  try {
    fn()
  } catch (err) {
    if (hasCode(err)) return err.code
    throw err
  }
  return undefined
}

describe('HeapSnapshotParser on hand-built input', () => {
  it('reads nodes, edges (targets as ordinals), locations and escaped strings', () => {
    const s = parseText(tricky)
    expect(s.nodeCount).toBe(4)
    expect(s.edgeCount).toBe(3)
    expect(s.nodeName(2)).toBe('Chat"Session\\')
    expect(s.nodeName(3)).toBe('héllo 😀 \u0001 </script>')
    expect(s.edgeTo(2)).toBe(3)
    expect(s.edgeName(2)).toBe('nick\n')
    expect(s.edgeFrom(2)).toBe(2)
    expect(s.edgeFrom(0)).toBe(0)
    expect([...s.locations]).toEqual([2, 1, 2, 3])
    expect([...s.node(2).edges()].map((e) => [e.type, e.name, e.to.name])).toEqual([['property', 'nick\n', 'héllo 😀 \u0001 </script>']])
  })

  it('gives the same model for any chunk boundaries', () => {
    const bytes = encoder.encode(tricky)
    const whole = modelOf(parseText(tricky))
    fc.assert(fc.property(fc.noBias(fc.array(fc.nat(), { maxLength: 40 })), (cuts) => {
      expect(modelOf(parseHeapSnapshot(chunked(bytes, cuts)))).toEqual(whole)
    }), { numRuns: 300 })
  })

  it('gives the same model byte by byte', () => {
    const bytes = encoder.encode(tricky)
    const parser = new HeapSnapshotParser()
    for (let i = 0; i < bytes.length; i++) parser.push(bytes.subarray(i, i + 1))
    expect(modelOf(parser.finish())).toEqual(modelOf(parseText(tricky)))
  })
})

describe('HeapSnapshotParser on a real V8 snapshot', () => {
  let file: string
  let cleanup: () => Promise<void>
  beforeAll(async () => {
    const tmp = await tempDir()
    cleanup = tmp.cleanup
    file = join(tmp.dir, 'real.heapsnapshot')
    execFileSync(process.execPath, ['-e', `globalThis.keep = Array.from({ length: 500 }, (_, i) => ({ i, s: 'k' + i, u: '\\u00e9\\n"' })); require('v8').writeHeapSnapshot(${JSON.stringify(file)})`])
  })
  afterAll(async () => { await cleanup() })

  it('matches JSON.parse of the same file', () => {
    const text = readFileSync(file, 'utf8')
    const ref = JSON.parse(text) as { nodes: number[], edges: number[], strings: string[], snapshot: { node_count: number, edge_count: number } }
    const s = parseText(text)
    const m = s.meta
    expect(s.nodeCount).toBe(ref.snapshot.node_count)
    expect(s.edgeCount).toBe(ref.snapshot.edge_count)
    // The model narrows V8's layout; read it back field by field through the accessors.
    const nodes: number[] = []
    for (let n = 0; n < s.nodeCount; n++) {
      const v8 = ref.nodes.slice(n * m.nodeFieldCount, (n + 1) * m.nodeFieldCount)
      nodes.push(s.nodeTypeId(n) - v8[m.nodeTypeOffset]!, s.nodeNameIndex(n) - v8[m.nodeNameOffset]!, s.nodeId(n) - v8[m.nodeIdOffset]!, s.nodeSelfSize(n) - v8[m.nodeSelfSizeOffset]!, s.nodeEdgeCount(n) - v8[m.nodeEdgeCountOffset]!)
    }
    expect(nodes.every((d) => d === 0)).toBe(true)
    const edges: number[] = []
    for (let e = 0; e < s.edgeCount; e++) {
      const v8 = ref.edges.slice(e * m.edgeFieldCount, (e + 1) * m.edgeFieldCount)
      edges.push(s.edgeTypeId(e) - v8[m.edgeTypeOffset]!, s.edgeNameOrIndex(e) - v8[m.edgeNameOrIndexOffset]!, s.edgeTo(e) * m.nodeFieldCount - v8[m.edgeToNodeOffset]!)
    }
    expect(edges.every((d) => d === 0)).toBe(true)
    expect(Array.from({ length: s.strings.length }, (_, i) => s.strings.get(i))).toEqual(ref.strings)
  })

  it('gives the same model for random chunk boundaries', () => {
    const bytes = readFileSync(file)
    const whole = digestOf(parseHeapSnapshot([bytes]))
    fc.assert(fc.property(fc.noBias(fc.array(fc.nat({ max: bytes.length }), { minLength: 1, maxLength: 200 })), (cuts) => {
      expect(digestOf(parseHeapSnapshot(chunked(bytes, cuts)))).toBe(whole)
    }), { numRuns: 10 })
  })
})

describe('HeapSnapshotParser errors', () => {
  const good = snapshotText(rootedGraph([{ type: 'object', name: 'A', id: 5, selfSize: 8 }], [{ type: 'property', name: 'a', to: 2 }]))

  it('reports truncated input wherever it is cut', () => {
    const cuts = [good.indexOf('"meta"') + 3, good.indexOf('"nodes"') + 12, good.indexOf('"edges"') + 10, good.indexOf('"strings"') + 14, good.length - 3]
    for (const cut of cuts) expect(codeOf(() => parseText(good.slice(0, cut)))).toBe('SW_HEAP_TRUNCATED')
  })

  it('says where the truncation is', () => {
    expect(() => parseText(good.slice(0, good.indexOf('"edges"') + 10), 'x.heapsnapshot')).toThrow(/^x\.heapsnapshot: heap snapshot is truncated \(input ends inside the "edges" array after \d+ bytes\)$/)
  })

  it('rejects input that is not a snapshot', () => {
    for (const text of ['', '   ', '[1,2]', '{"nodes":[]}', 'PK\u0003\u0004binary', '{"snapshot":[1]}']) {
      expect(codeOf(() => parseText(text)), JSON.stringify(text)).toBe('SW_HEAP_NOT_A_SNAPSHOT')
    }
  })

  it('rejects corrupt content with a one-line message naming the offset', () => {
    const corrupt = [
      good.replace('"nodes":[9', '"nodes":[x'), // a letter among numbers
      good.replace('"nodes":[9', '"nodes":[-9'), // negative
      good.replace('"nodes":[9', '"nodes":[9.5'), // fraction
      good.replace('"nodes":[9', '"nodes":[9,,'), // empty element
      good.replace('"nodes":[9', '"nodes":[99999999999'), // above 2^32
      good.replace('"node_count":3', '"node_count":4'), // count mismatch
      good.replace(/"edges":\[(\d+),(\d+),(\d+)/, '"edges":[$1,$2,700'), // edge to nowhere
      good.replace('"strings":[', '"strings":[1,'), // a number among strings
      good.replace('"snapshot":{', '"snapshot":{,'), // broken header JSON
      `${good}x`, // data after the end
      good.replace('"edges":', '"nodes":') // duplicate key
    ]
    for (const text of corrupt) {
      let message = ''
      expect(codeOf(() => { try { parseText(text) } catch (e) { message = (e as Error).message; throw e } })).toBe('SW_HEAP_CORRUPT')
      expect(message).toMatch(/^test: corrupt heap snapshot at byte \d+: [^\n]+$/)
    }
  })

  it('rejects a header without the fields the analysis needs', () => {
    expect(codeOf(() => parseText(good.replace('"id",', '"ident",')))).toBe('SW_HEAP_UNSUPPORTED_META')
  })

  it('stops when the budget runs out', () => {
    const many = Array.from({ length: 20_000 }, (_, i) => ({ type: 'object', name: 'A', id: 5 + 2 * i, selfSize: 8 }))
    const big = encoder.encode(snapshotText(rootedGraph(many, [])))
    const steps = new HeapSnapshotParser({ budget: new ScanBudget({ maxSteps: 100_000 }) })
    expect(codeOf(() => { for (let i = 0; i < big.length; i += 1 << 16) steps.push(big.subarray(i, i + (1 << 16))) })).toBe('SW_HEAP_BUDGET_EXCEEDED')
    let clock = 0
    const time = new HeapSnapshotParser({ budget: new ScanBudget({ maxMs: 50, now: () => clock }) })
    expect(codeOf(() => { for (let i = 0; i < big.length; i += 1 << 16) { clock += 40; time.push(big.subarray(i, i + (1 << 16))) } })).toBe('SW_HEAP_BUDGET_EXCEEDED')
    expect(codeOf(() => new ScanBudget({ maxMs: 5 }))).toBe('SW_HEAP_INVALID_OPTIONS')
  })
})

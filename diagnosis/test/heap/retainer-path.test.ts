import { describe, expect, it } from 'vitest'
import { classifyNodes } from '../../src/heap/node-classes.js'
import { renderRetainerPath } from '../../src/heap/retainer-path.js'
import { findRetainingEdges } from '../../src/heap/retaining-edges.js'
import { HARNESS_EDGE_NAMES } from '../../src/heap/compare-heap-snapshots.js'
import { edgesNamed, pathEdges, shortestPaths } from '../../src/heap/shortest-paths.js'
import { parseText, rootedGraph, snapshotText } from './helper.js'

// root → global (2) → .chatServer ChatServer (3) → .sessions Map (4) → table (5) → ChatSession (6)
// plus a shorter weak link root-side to the session, and a closure holding it via its scope.
const text = snapshotText(rootedGraph([
  { type: 'object', name: 'global / ', id: 5, selfSize: 40, edges: [{ type: 'property', name: 'chatServer', to: 3 }, { type: 'weak', name: 'cache', to: 6 }, { type: 'property', name: 'on-data', to: 7 }, { type: 'property', name: '<symbol app.stats>', to: 10 }] },
  { type: 'object', name: 'ChatServer', id: 7, selfSize: 32, edges: [{ type: 'property', name: 'sessions', to: 4 }, { type: 'property', name: '#hub', to: 11 }] },
  { type: 'object', name: 'Map', id: 9, selfSize: 32, edges: [{ type: 'internal', name: 'table', to: 5 }] },
  { type: 'array', name: '', id: 11, selfSize: 64, edges: [{ type: 'internal', name: '3', to: 6 }] },
  { type: 'object', name: 'ChatSession', id: 13, selfSize: 72, edges: [] },
  { type: 'closure', name: '', id: 15, selfSize: 32, edges: [{ type: 'internal', name: 'context', to: 8 }] },
  { type: 'object', name: 'system / Context', id: 17, selfSize: 40, edges: [{ type: 'context', name: 'session', to: 9 }] },
  { type: 'object', name: 'Socket', id: 19, selfSize: 200, edges: [] },
  { type: 'object', name: 'Stats', id: 21, selfSize: 16, edges: [] },
  { type: 'object', name: 'Hub', id: 23, selfSize: 16, edges: [] }
], [{ type: 'shortcut', name: 'global', to: 2 }]))

describe('retainer paths', () => {
  const s = parseText(text)
  const paths = shortestPaths(s, findRetainingEdges(s))
  const classes = classifyNodes(s)
  const render = (ordinal: number): string => renderRetainerPath(s, classes, pathEdges(s, paths, ordinal)).text

  it('reads like the code that holds the object, folding V8 internals and skipping weak links', () => {
    expect(render(6)).toBe('(GC roots) → global.chatServer → ChatServer.sessions → Map → ChatSession')
  })

  it('names closures and their captured variables', () => {
    expect(render(9)).toBe('(GC roots) → global["on-data"] → anonymous().session → Socket')
  })

  it('writes symbol keys and private fields as code does, and the global object by its name', () => {
    expect(render(10)).toBe('(GC roots) → global[Symbol(app.stats)] → Stats')
    expect(render(11)).toBe('(GC roots) → global.chatServer → ChatServer.#hub → Hub')
  })

  it('lists the ids of the objects shown', () => {
    expect(renderRetainerPath(s, classes, pathEdges(s, paths, 6)).ids).toEqual([5, 7, 9, 13])
  })
})

describe('retainer paths and the harness\'s own globals', () => {
  // global[Symbol(soakwatch.stats)] is a closure whose context holds the server (2 hops), while
  // the target's own path is longer (3 hops); the context also holds something only it reaches.
  const harness = parseText(snapshotText(rootedGraph([
    { type: 'object', name: 'global / ', id: 5, selfSize: 40, edges: [{ type: 'property', name: '<symbol soakwatch.stats>', to: 3 }, { type: 'property', name: 'app', to: 5 }] },
    { type: 'closure', name: 'stats', id: 7, selfSize: 32, edges: [{ type: 'internal', name: 'context', to: 4 }] },
    { type: 'object', name: 'system / Context', id: 9, selfSize: 40, edges: [{ type: 'context', name: 'server', to: 7 }, { type: 'context', name: 'secret', to: 8 }] },
    { type: 'object', name: 'App', id: 11, selfSize: 16, edges: [{ type: 'property', name: 'wrapper', to: 6 }] },
    { type: 'object', name: 'Wrapper', id: 13, selfSize: 16, edges: [{ type: 'property', name: 'server', to: 7 }] },
    { type: 'object', name: 'ChatServer', id: 15, selfSize: 32, edges: [] },
    { type: 'object', name: 'Secret', id: 17, selfSize: 16, edges: [] }
  ], [{ type: 'shortcut', name: 'global', to: 2 }])))
  const retaining = findRetainingEdges(harness)
  const classes = classifyNodes(harness)
  const render = (paths: ReturnType<typeof shortestPaths>, ordinal: number): string => renderRetainerPath(harness, classes, pathEdges(harness, paths, ordinal)).text

  it('prefers a longer path through the target\'s own objects over one through soakwatch\'s globals', () => {
    const plain = shortestPaths(harness, retaining)
    expect(render(plain, 7)).toBe('(GC roots) → global[Symbol(soakwatch.stats)] → stats().server → ChatServer')
    const preferring = shortestPaths(harness, retaining, undefined, undefined, edgesNamed(harness, HARNESS_EDGE_NAMES))
    expect(render(preferring, 7)).toBe('(GC roots) → global.app → App.wrapper → Wrapper.server → ChatServer')
  })

  it('still explains what only the harness\'s globals reach', () => {
    const preferring = shortestPaths(harness, retaining, undefined, undefined, edgesNamed(harness, HARNESS_EDGE_NAMES))
    expect(render(preferring, 8)).toBe('(GC roots) → global[Symbol(soakwatch.stats)] → stats().secret → Secret')
  })
})

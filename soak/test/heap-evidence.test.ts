import { describe, expect, it } from 'vitest'
import { harnessHolder, heapClassOf, heapFindings, pathsForLeaks } from '../src/heap-evidence.js'
import { comparison, suspect } from './helper.js'

describe('heap evidence', () => {
  it('names the JS class wrapping each kind of leaked handle, once per class', () => {
    expect(heapClassOf({ kind: 'socket' })).toBe('Socket')
    expect(heapClassOf({ kind: 'timer' })).toBe('Timeout')
    expect(heapClassOf({ kind: 'other' })).toBeNull()
    expect(pathsForLeaks([{ kind: 'timer' }, { kind: 'socket' }, { kind: 'socket' }, { kind: 'server' }, { kind: 'other' }])).toEqual(['Server', 'Socket', 'Timeout'])
  })

  it('turns suspects into verdict findings: a leak only when the comparison says leak', () => {
    const findings = heapFindings(comparison([suspect('Session'), suspect('Cache', { verdict: 'bounded' })]))
    expect(findings.map((f) => [f.label, f.leak, f.count])).toEqual([['Session', true, 60], ['Cache', false, 60]])
    expect(findings[0]?.detail).toBe('leak: 20 / 20 / 20 survivors per round; 1 objects, 100 B per client per round; held by (GC roots) → global.server → Server.sessions → Map → Session')
  })

  it('never counts what only the harness holds: the hooks\' records of live resources, Node\'s source-map cache', () => {
    const hooks = suspect('Object', { retainerPaths: [{ path: '(GC roots) → global[Symbol(soakwatch.hooks)] → Object.inventory → Map → Object', count: 64, sampled: 64, ids: [] }] })
    const maps = suspect('Array', { retainerPaths: [{ path: '(GC roots) → (Global handles) → ModuleWrap[Symbol(node:source_map_data_private_symbol)] → Object.sourceMap → SourceMap.#mappings → Array', count: 64, sampled: 64, ids: [] }] })
    expect(harnessHolder(hooks)).toContain("soakwatch's hooks")
    expect(harnessHolder(maps)).toContain('source-map cache')
    expect(heapFindings(comparison([hooks, maps])).map((f) => f.leak)).toEqual([false, false])
  })

  it('counts a suspect that the harness holds only in part, or whose paths were not all shown', () => {
    const mixed = suspect('Object', {
      retainerPaths: [
        { path: '(GC roots) → global[Symbol(soakwatch.hooks)] → Map → Object', count: 32, sampled: 64, ids: [] },
        { path: '(GC roots) → global.app → App.users → Map → Object', count: 32, sampled: 64, ids: [] }
      ]
    })
    const partial = suspect('Object', { retainerPaths: [{ path: '(GC roots) → global[Symbol(soakwatch.hooks)] → Map → Object', count: 40, sampled: 64, ids: [] }] })
    expect(harnessHolder(mixed)).toBeUndefined()
    expect(harnessHolder(partial)).toBeUndefined()
    expect(heapFindings(comparison([mixed, partial])).map((f) => f.leak)).toEqual([true, true])
  })
})

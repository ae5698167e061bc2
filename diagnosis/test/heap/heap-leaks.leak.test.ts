import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hasCode } from '../../../common/src/define-error.js'
import { compareHeapSnapshotFiles } from '../../src/heap/compare-heap-snapshot-files.js'
import type { HeapComparison, HeapSuspect } from '../../src/heap/heap-comparison.js'
import { runTarget, tempDir, type TargetSnapshots } from './helper.js'

const ROUNDS = 3
const CLIENTS = 60

async function compare (s: TargetSnapshots, extra: Partial<Parameters<typeof compareHeapSnapshotFiles>[0]> = {}): Promise<HeapComparison> {
  return await compareHeapSnapshotFiles({ baseline: s.baseline, rounds: s.rounds, final: s.final, clientsPerRound: CLIENTS, ...extra })
}

function suspect (result: HeapComparison, className: string): HeapSuspect {
  const found = result.suspects.find((s) => s.className === className)
  if (found === undefined) throw new Error(`no suspect ${className} in ${result.suspects.map((s) => s.className).join(', ')}`)
  return found
}

describe('heap comparison of real processes', () => {
  const runs: Record<string, TargetSnapshots> = {}
  let cleanup: () => Promise<void>
  beforeAll(async () => {
    const tmp = await tempDir()
    cleanup = tmp.cleanup
    const scenarios: Record<string, string[]> = { map: ['map'], listener: ['listener'], cache: ['cache'], clean: [], clean2: [] }
    for (const [name, leaks] of Object.entries(scenarios)) {
      const dir = `${tmp.dir}/${name}`
      await import('node:fs/promises').then(async (fs) => await fs.mkdir(dir))
      runs[name] = await runTarget(dir, ROUNDS, CLIENTS, leaks)
    }
  }, 120_000)
  afterAll(async () => { await cleanup() })

  it('flags sessions kept in a Map, with the path through the Map', async () => {
    const result = await compare(runs.map!)
    expect(result.verdict).toBe('leak')
    const sessions = suspect(result, 'ChatSession')
    expect(result.suspects[0]!.className).toBe('ChatSession')
    expect(sessions.verdict).toBe('leak')
    expect(sessions.survivorsByRound.map((r) => r.count)).toEqual([CLIENTS, CLIENTS, CLIENTS])
    expect(sessions.objectsPerClientPerRound).toBe(1)
    expect(sessions.retainerPaths[0]!.path).toBe('(GC roots) → global.chatServer → ChatServer.sessions → Map → ChatSession')
    expect(sessions.newAlive.retainedSize).toBeGreaterThan(sessions.newAlive.selfSize)
    expect(suspect(result, 'Socket').retainerPaths[0]!.path).toBe('(GC roots) → global.chatServer → ChatServer.sessions → Map → ChatSession.socket → Socket')
  })

  it('flags listeners left on an EventEmitter, with the path through the emitter', async () => {
    const result = await compare(runs.listener!)
    expect(result.verdict).toBe('leak')
    const listeners = result.suspects[0]!
    expect(listeners.className).toBe('Function')
    expect(listeners.retainerPaths[0]!.path).toBe('(GC roots) → global.chatServer → ChatServer.bus → EventEmitter._events → Object.broadcast → Array → anonymous()')
    expect(suspect(result, 'ChatSession').retainerPaths[0]!.path).toBe('(GC roots) → global.chatServer → ChatServer.bus → EventEmitter._events → Object.broadcast → Array → anonymous().this → ChatSession')
  })

  it('gives the retainer paths of classes asked for, suspect or not', async () => {
    const result = await compare(runs.clean!, { pathsFor: ['ChatSession', 'NoSuchClass'] })
    expect(result.retainersByClass.NoSuchClass).toEqual([])
    expect(result.retainersByClass.ChatSession).toEqual([])
    const leaky = await compare(runs.map!, { pathsFor: ['Socket'] })
    expect(leaky.retainersByClass.Socket![0]!.path).toBe('(GC roots) → global.chatServer → ChatServer.sessions → Map → ChatSession.socket → Socket')
  })

  it('does not flag a capped history, and says why', async () => {
    const result = await compare(runs.cache!)
    expect(result.verdict).toBe('clean')
    const history = suspect(result, 'HistoryEntry')
    expect(history.verdict).toBe('bounded')
    expect(history.retainerPaths[0]!.path).toBe('(GC roots) → global.chatServer → ChatServer.history → Array → HistoryEntry')
  })

  it('does not flag a clean server, across repeated runs', async () => {
    for (const run of [runs.clean!, runs.clean2!]) {
      const result = await compare(run)
      expect(result.verdict, result.headline).toBe('clean')
      expect(result.suspects.filter((s) => s.verdict === 'leak' || s.verdict === 'suspect')).toEqual([])
    }
  })

  it('honours the allowlist', async () => {
    const result = await compare(runs.map!, { allowlist: ['*'] })
    expect(result.verdict).toBe('clean')
    expect(suspect(result, 'ChatSession').verdict).toBe('allowlisted')
  })

  it('judges a before/after pair by survivors per client', async () => {
    const result = await compareHeapSnapshotFiles({ baseline: runs.map!.baseline, final: runs.map!.rounds[0]!, clientsPerRound: CLIENTS })
    expect(result.loadRounds).toBe(1)
    expect(suspect(result, 'ChatSession').verdict).toBe('leak')
    const unknownLoad = await compareHeapSnapshotFiles({ baseline: runs.map!.baseline, final: runs.map!.rounds[0]! })
    expect(unknownLoad.verdict).toBe('suspect')
  })

  it('refuses snapshots from different processes, or given out of order', async () => {
    const codeOf = async (p: Promise<unknown>): Promise<string | undefined> => await p.then(() => undefined, (e: unknown) => hasCode(e) ? e.code : String(e))
    expect(await codeOf(compareHeapSnapshotFiles({ baseline: runs.clean!.baseline, final: runs.clean2!.final }))).toBe('SW_HEAP_DIFFERENT_PROCESS')
    expect(await codeOf(compareHeapSnapshotFiles({ baseline: runs.map!.baseline, rounds: [runs.clean2!.rounds[0]!], final: runs.map!.final }))).toBe('SW_HEAP_DIFFERENT_PROCESS')
    expect(await codeOf(compareHeapSnapshotFiles({ baseline: runs.map!.final, final: runs.map!.baseline }))).toBe('SW_HEAP_OUT_OF_ORDER')
  })
})

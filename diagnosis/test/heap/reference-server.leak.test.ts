import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { InspectorSession } from '../../src/inspector-session.js'
import { compareHeapSnapshotFiles } from '../../src/heap/compare-heap-snapshot-files.js'
import type { HeapComparison } from '../../src/heap/heap-comparison.js'
import { chatRound, startReferenceServer, tempDir } from './helper.js'

const ROUNDS = 3
const CLIENTS = 40

let dir: string
let cleanup: () => Promise<void>
beforeAll(async () => { ({ dir, cleanup } = await tempDir()) })
afterAll(async () => { await cleanup() })

/**
 * A soak in miniature against the bundled server: warm-up, baseline snapshot, then rounds of
 * clients that register, join, talk and QUIT, with a snapshot after each round once the server
 * has logged every close. Snapshots come over the inspector, as in the soak.
 */
async function soak (name: string, leaks: string[]): Promise<HeapComparison> {
  const server = await startReferenceServer(leaks)
  onTestFinished(server.stop)
  const session = await InspectorSession.connect(server.devtools)
  onTestFinished(async () => { await session.close() })
  const out = join(dir, name)
  await mkdir(out)
  let closes = 0
  const round = async (k: number, clients: number): Promise<void> => {
    await chatRound(server.port, k, clients)
    closes += clients
    await server.closes(closes)
  }
  for (let w = 0; w < 3; w++) await round(100 + w, 10)
  await session.collectGarbage()
  const baseline = (await session.takeHeapSnapshot(out, 'baseline')).path
  const rounds: string[] = []
  for (let k = 1; k <= ROUNDS; k++) {
    await round(k, CLIENTS)
    await session.collectGarbage()
    rounds.push((await session.takeHeapSnapshot(out, `round-${k}`)).path)
  }
  return await compareHeapSnapshotFiles({ baseline, rounds, final: rounds[ROUNDS - 1]!, clientsPerRound: CLIENTS })
}

function suspect (result: HeapComparison, className: string): HeapComparison['suspects'][number] {
  const found = result.suspects.find((s) => s.className === className)
  if (found === undefined) throw new Error(`no suspect ${className}: ${result.headline}`)
  return found
}

describe('the reference server under rounds of clients', () => {
  it('flags the listener bug as a heap leak held by the shutdown emitter', async () => {
    const result = await soak('listener', ['listener'])
    expect(result.verdict).toBe('leak')
    const sessions = suspect(result, 'Connection')
    expect(sessions.verdict).toBe('leak')
    expect(sessions.survivorsByRound.map((r) => r.count)).toEqual([CLIENTS, CLIENTS, CLIENTS])
    const path = sessions.retainerPaths[0]!.path
    expect(path).toContain('ChatServer.#notices → EventEmitter._events → Object.shutdown → Array')
    expect(path).toMatch(/ → #onShutdown\(\)\.this → Connection$/)
  })

  it('flags the registry bug as a heap leak held by the nick registry', async () => {
    const result = await soak('registry', ['registry'])
    expect(result.verdict).toBe('leak')
    const sessions = suspect(result, 'Connection')
    expect(sessions.survivorsByRound.map((r) => r.count)).toEqual([CLIENTS, CLIENTS, CLIENTS])
    expect(sessions.retainerPaths[0]!.path).toMatch(/ChatHub\.nicks → NickRegistry\.#byNick → Map → Connection$/)
  })

  it('does not flag a clean server, across repeated runs', async () => {
    for (const run of ['clean-1', 'clean-2']) {
      const result = await soak(run, [])
      expect(result.verdict, result.headline).toBe('clean')
      expect(result.suspects.filter((s) => s.verdict === 'leak' || s.verdict === 'suspect')).toEqual([])
    }
  })
})

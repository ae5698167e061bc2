import { createReadStream } from 'node:fs'
import { DevToolsAPI, parse } from 'heap-snapshot-toolkit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readHeapSnapshot } from '../../src/heap/read-heap-snapshot.js'
import { devtoolsClassTotals, summarizeHeapSnapshot, type ClassTotals } from '../../src/heap/snapshot-summary.js'
import { runTarget, tempDir, type TargetSnapshots } from './helper.js'

/**
 * Per-class counts and self sizes from Chrome DevTools' own snapshot code (the Summary view's
 * aggregates). DevTools splits plain objects by inferred shape (`{a, b}`); those are folded
 * back into `Object`, the one difference soakwatch documents.
 */
async function devtoolsClasses (file: string): Promise<Record<string, ClassTotals>> {
  const snapshot = await parse(createReadStream(file))
  const aggregates = snapshot.aggregatesWithFilter(new DevToolsAPI.HeapSnapshotModel.NodeFilter())
  const out: Record<string, ClassTotals> = {}
  for (const a of Object.values(aggregates)) {
    const name = a.name.startsWith('{') ? 'Object' : a.name
    const totals = out[name] ??= { count: 0, selfSize: 0 }
    totals.count += a.count
    totals.selfSize += a.self
  }
  return out
}

describe('per-class counts and self sizes', () => {
  let snapshots: TargetSnapshots
  let cleanup: () => Promise<void>
  beforeAll(async () => {
    const tmp = await tempDir()
    cleanup = tmp.cleanup
    snapshots = await runTarget(tmp.dir, 1, 50, ['map', 'listener'])
  })
  afterAll(async () => { await cleanup() })

  it.each(['baseline', 'final'] as const)('agree with Chrome DevTools on the %s snapshot of a leaking server', async (phase) => {
    const file = snapshots[phase]
    const ours = devtoolsClassTotals(await readHeapSnapshot(file))
    const theirs = await devtoolsClasses(file)
    expect(Object.keys(ours).length).toBeGreaterThan(100)
    expect(ours).toEqual(theirs)
  })

  it('count JS objects as DevTools does in the light summary used across phases', async () => {
    // The summary keeps V8's own sizes and plain names (it needs no edges); object counts
    // are the same as DevTools' except for the internals whose size DevTools moves onto
    // their owner, and embedder nodes DevTools renames "Detached …".
    const file = snapshots.final
    const light = summarizeHeapSnapshot(await readHeapSnapshot(file, { withEdges: false })).classes
    const theirs: Record<string, number> = {}
    for (const [name, totals] of Object.entries(await devtoolsClasses(file))) {
      const plain = name.replace(/^Detached /, '')
      theirs[plain] = (theirs[plain] ?? 0) + totals.count
    }
    const moved = new Set(['(system)', '(array)', 'system / ExternalStringData'])
    const compared = Object.keys(light).filter((name) => !moved.has(name))
    expect(compared.length).toBeGreaterThan(100)
    expect(Object.fromEntries(compared.map((name) => [name, light[name]!.count]))).toEqual(Object.fromEntries(compared.map((name) => [name, theirs[name]])))
  })
})

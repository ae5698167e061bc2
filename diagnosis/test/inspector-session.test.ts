import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it, onTestFinished } from 'vitest'
import { hasCode } from '../../common/src/define-error.js'
import { InspectorSession } from '../src/inspector-session.js'
import { freePort } from '../src/target/target-process.js'
import { fixture, inspect, nodeCommand, startTarget, startWithoutHooks, tempDir } from './helper.js'

async function leakyTarget (options: { hooksPath?: string } = {}): Promise<Awaited<ReturnType<typeof startTarget>>> {
  return await startTarget({ kind: 'command', command: nodeCommand('leaky-server.mjs', '--port {port}') }, options)
}

describe('InspectorSession', () => {
  it('streams a heap snapshot to <dir>/<phase>.heapsnapshot that has a V8 snapshot\'s shape', async () => {
    const session = await inspect(await leakyTarget())
    const dir = await tempDir()
    const progress: number[] = []
    session.on('snapshot-progress', ({ done }) => progress.push(done))

    const capture = await session.takeHeapSnapshot(dir, 'baseline')

    expect(capture.path).toBe(join(dir, 'baseline.heapsnapshot'))
    expect(await readdir(dir)).toEqual(['baseline.heapsnapshot'])
    expect(progress.length).toBeGreaterThan(0)
    const text = await readFile(capture.path, 'utf8')
    expect(Buffer.byteLength(text)).toBe(capture.bytes)
    expect(text.startsWith('{"snapshot":{"meta":{"node_fields":[')).toBe(true)
    // Shape only (the heap parser is its own module): the flat arrays match the meta.
    const snapshot = JSON.parse(text) as { snapshot: { meta: { node_fields: string[], edge_fields: string[] }, node_count: number, edge_count: number }, nodes: number[], edges: number[], strings: string[] }
    expect(snapshot.nodes.length).toBe(snapshot.snapshot.node_count * snapshot.snapshot.meta.node_fields.length)
    expect(snapshot.edges.length).toBe(snapshot.snapshot.edge_count * snapshot.snapshot.meta.edge_fields.length)
    expect(snapshot.strings).toContain('(GC roots)')
  })

  it('fails a snapshot into an unwritable folder with a typed error and leaves no file', async () => {
    const session = await inspect(await leakyTarget())
    const dir = join(await tempDir(), 'missing')
    const err = await session.takeHeapSnapshot(dir, 'final').then(() => undefined, (e: unknown) => e)
    expect(hasCode(err, 'SW_DIAG_CAPTURE_FAILED')).toBe(true)
    expect(String(err)).toContain(join(dir, 'final.heapsnapshot'))
  })

  it('writes CPU and sampling heap profiles that DevTools can load', async () => {
    const session = await inspect(await leakyTarget())
    const dir = await tempDir()
    await session.startCpuProfile()
    await session.startHeapSampling()
    await session.evaluate('Array.from({ length: 20000 }, (_, i) => ({ i })).length')
    const cpu = await session.stopCpuProfile(dir, 'run')
    const heap = await session.stopHeapSampling(dir, 'run')

    expect(cpu.path).toBe(join(dir, 'run.cpuprofile'))
    expect(heap.path).toBe(join(dir, 'run.heapprofile'))
    const cpuProfile = JSON.parse(await readFile(cpu.path, 'utf8')) as Record<string, unknown>
    expect(cpuProfile).toHaveProperty('nodes')
    expect(cpuProfile).toHaveProperty('startTime')
    expect(cpuProfile).toHaveProperty('samples')
    const heapProfile = JSON.parse(await readFile(heap.path, 'utf8')) as Record<string, unknown>
    expect(heapProfile).toHaveProperty('head')
  })

  it('evaluates by value, reports exceptions thrown in the target, and measures the heap after GC', async () => {
    const session = await inspect(await leakyTarget())
    expect(await session.evaluate('({ a: [1, 2], b: "x" })')).toEqual({ a: [1, 2], b: 'x' })
    expect(await session.evaluate('Promise.resolve(41 + 1)', { awaitPromise: true })).toBe(42)
    const err = await session.evaluate('null.boom').then(() => undefined, (e: unknown) => e)
    expect(hasCode(err, 'SW_DIAG_EVALUATE_FAILED')).toBe(true)
    expect(String(err)).toContain('TypeError')
    expect(await session.usedHeapAfterGc()).toBeGreaterThan(100_000)
  })

  it('says so when the target runs without the hooks', async () => {
    const bare = await startWithoutHooks('leaky-server.mjs')
    const session = await InspectorSession.connect(bare.url)
    onTestFinished(async () => { await session.close() })
    expect(await session.hasHooks()).toBe(false)
    const err = await session.inventory().then(() => undefined, (e: unknown) => e)
    expect(hasCode(err, 'SW_DIAG_HOOKS_MISSING')).toBe(true)
  })

  it('turns a target that dies mid-session into a disconnect event and TargetGoneError', async () => {
    const target = await leakyTarget()
    const session = await inspect(target)
    const disconnected = new Promise((resolve) => session.once('disconnect', resolve))
    process.kill(target.pid, 'SIGKILL')
    await disconnected
    expect(session.connected).toBe(false)
    const err = await session.inventory().then(() => undefined, (e: unknown) => e)
    expect(hasCode(err, 'SW_DIAG_TARGET_GONE')).toBe(true)
  })

  it('reports an unreachable inspector with a typed error', async () => {
    const port = await freePort('127.0.0.1')
    const err = await InspectorSession.connect(`ws://127.0.0.1:${port}/no-such-target`, { timeoutMs: 2000 }).then(() => undefined, (e: unknown) => e)
    expect(hasCode(err, 'SW_DIAG_INSPECTOR_UNREACHABLE')).toBe(true)
    expect(String(err)).toContain(`127.0.0.1:${port}`)
  })

  it('refuses DevTools URLs off loopback or malformed, before connecting', async () => {
    const off = await InspectorSession.connect('ws://192.0.2.1:9229/abc').then(() => undefined, (e: unknown) => e)
    expect(hasCode(off, 'SW_DIAG_INSPECTOR_NOT_LOOPBACK')).toBe(true)
    const bad = await InspectorSession.connect('http://127.0.0.1:9229/abc').then(() => undefined, (e: unknown) => e)
    expect(hasCode(bad, 'SW_DIAG_INSPECTOR_URL_INVALID')).toBe(true)
  })
})

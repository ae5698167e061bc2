import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import type { Frame } from '../src/hooks/creation-site.js'
import { pickCreationSite } from '../src/hooks/creation-site.js'
import { ResourceRegistry } from '../src/hooks/resource-registry.js'

const thisFile = fileURLToPath(import.meta.url)
const ownDir = fileURLToPath(new URL('../src/hooks/', import.meta.url))

function registry (): ResourceRegistry {
  return new ResourceRegistry({ now: () => performance.now(), ownDir, toPath: fileURLToPath })
}

describe('pickCreationSite', () => {
  const frame = (file: string | null, line = 1, col = 2): Frame => ({ file, line, col })

  it('skips Node internals, native frames and the hooks\' own files, preferring app code to node_modules', () => {
    const frames = [
      frame('file:///x/dist/diagnosis/src/hooks/resource-registry.js'),
      frame('node:internal/async_hooks'),
      frame(null),
      frame('/app/node_modules/ws/lib/websocket.js', 10, 3),
      frame('file:///app/src/server.js', 42, 7)
    ]
    expect(pickCreationSite(frames, '/x/dist/diagnosis/src/hooks/', fileURLToPath)).toEqual({ site: '/app/src/server.js:42:7', inDependency: false })
  })

  it('falls back to the first dependency frame, then to nothing', () => {
    expect(pickCreationSite([frame('node:net'), frame('/app/node_modules/ws/a.js', 3, 4)], '/own/', fileURLToPath))
      .toEqual({ site: '/app/node_modules/ws/a.js:3:4', inDependency: true })
    expect(pickCreationSite([frame('node:net'), frame('internal/timers')], '/own/', fileURLToPath)).toBeUndefined()
  })

  it('uses the source mapper when it knows the position', () => {
    const mapped = pickCreationSite([frame('/app/dist/a.js', 5, 6)], '/own/', fileURLToPath, (file, line) => line === 5 ? '/app/src/a.ts:50:1' : undefined)
    expect(mapped?.site).toBe('/app/src/a.ts:50:1')
  })
})

describe('ResourceRegistry', () => {
  it('reports a live timer with its creation site in the caller\'s file, and drops it once cleared', () => {
    const r = registry()
    const timer = { _destroyed: false, _idleTimeout: 500, _repeat: null, hasRef: () => false }
    r.init(10, 'Timeout', 1, timer)
    const [live] = r.live()
    expect(live).toMatchObject({ id: 10, type: 'Timeout', kind: 'timer', siteSource: 'stack', refed: false, delayMs: 500, repeatMs: null })
    // Only the file: vitest runs transformed code, so raw frame lines are not the source's
    // (exact lines are checked against real targets in handle-leak.leak.test.ts).
    expect(live?.site?.startsWith(`${thisFile}:`)).toBe(true)
    timer._destroyed = true
    expect(r.live()).toEqual([])
    expect(r.pruned).toBe(1)
  })

  it('treats a handle whose C++ side is gone (getAsyncId() === -1) as closed', () => {
    const r = registry()
    let id = 20
    r.init(20, 'TCPWRAP', 1, { getAsyncId: () => id, getsockname: (out: Record<string, unknown>) => { Object.assign(out, { address: '127.0.0.1', port: 80, family: 'IPv4' }); return 0 } })
    expect(r.live()[0]).toMatchObject({ kind: 'socket', local: { address: '127.0.0.1', port: 80, family: 'IPv4' } })
    expect(r.live()[0]?.remote).toBeUndefined()
    id = -1
    expect(r.countByType()).toEqual({})
  })

  it('gives a resource created without JS frames its trigger\'s site, even after the trigger died', async () => {
    const r = registry()
    let serverId = 30
    r.init(30, 'TCPSERVERWRAP', 1, { getAsyncId: () => serverId })
    const serverSite = r.live()[0]?.site
    serverId = -1
    // An accepted socket's stack holds no application frame; from a nextTick the only frames
    // are the registry's own and Node's.
    await new Promise<void>((resolve) => { process.nextTick(r.init.bind(r), 31, 'TCPWRAP', 30, { getAsyncId: () => 31 }); process.nextTick(resolve) })
    expect(r.live()).toEqual([expect.objectContaining({ id: 31, siteSource: 'trigger', site: serverSite })])
  })

  it('calls stdio pipes "other", not sockets', () => {
    const r = registry()
    r.init(40, 'PIPEWRAP', 1, { getAsyncId: () => 40, fd: 1 })
    expect(r.live()[0]?.kind).toBe('other')
  })

  it('ignores promises and untracked types without capturing anything', () => {
    const r = registry()
    expect(r.init(50, 'PROMISE', 1, {})).toBe(true)
    expect(r.init(51, 'TickObject', 1, { callback: () => {} })).toBe(true)
    expect(r.size).toBe(0)
  })

  it('prunes dead entries as it grows, so it never holds many more than the live ones', () => {
    const r = registry()
    for (let i = 0; i < 10_000; i++) r.init(100 + i, 'Timeout', 1, { _destroyed: true })
    expect(r.size).toBeLessThan(1024)
    expect(r.pruned).toBeGreaterThan(9000)
  })

  it('stops tracking instead of throwing when init fails', () => {
    const r = registry()
    // A primitive cannot be held by a WeakRef: the hook must not throw inside the target.
    expect(r.init(60, 'Timeout', 1, 42 as unknown as object)).toBe(false)
    expect(r.failure).toMatch(/init hook failed on Timeout: TypeError/)
    expect(r.init(61, 'Timeout', 1, { _destroyed: false })).toBe(false)
    expect(r.size).toBe(0)
  })
})

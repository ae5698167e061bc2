import { describe, expect, it } from 'vitest'
import { diffInventories } from '../src/inventory-diff.js'
import { fixture, inspect, nodeCommand, runClients, settle, startTarget } from './helper.js'

const CLIENTS = 5

describe('hooks + inspector + inventory diff on a target soakwatch has never seen', () => {
  it('flags the leaky fixture\'s socket and interval per connection, with creation sites in its file', async () => {
    const target = await startTarget({ kind: 'command', command: nodeCommand('leaky-server.mjs', '--port {port} --leak') })
    const session = await inspect(target)
    await session.collectGarbage()
    // The readiness probe's connection is accepted asynchronously: let it land before the baseline.
    await settle(session)
    const baseline = await session.inventory()

    await runClients(target.address.port, CLIENTS)
    expect((await settle(session)).stable).toBe(true)
    const end = await session.inventory()
    const diff = diffInventories(baseline, end)

    const file = fixture('leaky-server.mjs')
    const sockets = diff.leaked.filter((g) => g.kind === 'socket')
    const timers = diff.leaked.filter((g) => g.kind === 'timer')
    expect(sockets).toHaveLength(1)
    expect(sockets[0]).toMatchObject({ type: 'TCPWRAP', count: CLIENTS, siteSource: 'trigger' })
    // An accepted socket has no JS stack of its own: it inherits its server's listen() site.
    expect(sockets[0]?.site).toMatch(new RegExp(`^${escape(file)}:27:\\d+$`))
    expect(sockets[0]?.sample[0]?.local?.port).toBe(target.address.port)
    expect(sockets[0]?.sample[0]?.remote?.address).toBe('127.0.0.1')
    expect(timers).toHaveLength(1)
    expect(timers[0]).toMatchObject({ type: 'Timeout', count: CLIENTS, refed: CLIENTS, siteSource: 'stack' })
    expect(timers[0]?.site).toMatch(new RegExp(`^${escape(file)}:16:\\d+$`))
    expect(timers[0]?.sample[0]).toMatchObject({ delayMs: 60_000, repeatMs: 60_000 })
    // The readiness probe's connection leaked too, but before the baseline: not counted.
    expect((end.stats?.['connectionsOpen'] ?? 0) - (baseline.stats?.['connectionsOpen'] ?? 0)).toBe(CLIENTS)
  })

  it('finds nothing leaked on the clean variant of the same fixture', async () => {
    const target = await startTarget({ kind: 'command', command: nodeCommand('leaky-server.mjs', '--port {port}') })
    const session = await inspect(target)
    await session.collectGarbage()
    // The readiness probe's connection is accepted asynchronously: let it land before the baseline.
    await settle(session)
    const baseline = await session.inventory()

    await runClients(target.address.port, CLIENTS)
    expect((await settle(session)).stable).toBe(true)
    const diff = diffInventories(baseline, await session.inventory())

    expect(diff.leaked.filter((g) => g.kind !== 'other' && g.kind !== 'immediate')).toEqual([])
    expect(diff.leakedByKind.socket + diff.leakedByKind.timer + diff.leakedByKind.server).toBe(0)
  })

  it('instruments a CommonJS target too, counting unref\'d timers that getActiveResourcesInfo omits', async () => {
    const target = await startTarget({ kind: 'command', command: nodeCommand('timer-server.cjs', '--port {port}') })
    const session = await inspect(target)
    // The readiness probe's connection is accepted asynchronously: let it land before the baseline.
    await settle(session)
    const baseline = await session.inventory()

    await runClients(target.address.port, 3)
    expect((await settle(session)).stable).toBe(true)
    const end = await session.inventory()
    const diff = diffInventories(baseline, end)

    const timers = diff.leaked.filter((g) => g.kind === 'timer')
    expect(timers).toHaveLength(1)
    expect(timers[0]).toMatchObject({ count: 3, refed: 0 })
    expect(timers[0]?.site).toMatch(new RegExp(`^${escape(fixture('timer-server.cjs'))}:8:\\d+$`))
    expect(end.activeResources['Timeout'] ?? 0).toBe(baseline.activeResources['Timeout'] ?? 0)
    expect(diff.leaked.filter((g) => g.kind === 'socket')).toEqual([])
  })

  it('reports source-mapped creation sites when the target runs with --enable-source-maps', async () => {
    const command = `'${process.execPath}' --enable-source-maps '${fixture('mapped-server.mjs')}' --port {port}`
    const target = await startTarget({ kind: 'command', command })
    const session = await inspect(target)
    // The readiness probe's connection is accepted asynchronously: let it land before the baseline.
    await settle(session)
    const baseline = await session.inventory()

    await runClients(target.address.port, 2)
    expect((await settle(session)).stable).toBe(true)
    const diff = diffInventories(baseline, await session.inventory())

    // Line 6 of the generated file maps to line 106 of src/original.ts (see the fixture).
    const timers = diff.leaked.filter((g) => g.kind === 'timer')
    expect(timers.map((g) => [g.count, g.site])).toEqual([[2, expect.stringMatching(/\/src\/original\.ts:106:\d+$/)]])
  })
})

function escape (text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&')
}

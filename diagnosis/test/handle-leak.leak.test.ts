import { describe, expect, it } from 'vitest'
import type { Inventory } from '../src/hooks/inventory.js'
import type { InspectorSession } from '../src/inspector-session.js'
import { diffInventories } from '../src/inventory-diff.js'
import type { TargetProcess } from '../src/target/target-process.js'
import { fixture, inspect, nodeCommand, runClients, settle, startTarget } from './helper.js'

const CLIENTS = 5

describe('hooks + inspector + inventory diff on a target soakwatch has never seen', () => {
  it('flags the leaky fixture\'s socket and interval per connection, with creation sites in its file', async () => {
    const { target, session, baseline } = await atBaseline(nodeCommand('leaky-server.mjs', '--port {port} --leak'), { gc: true })
    const end = await afterClients(target, session, CLIENTS)
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
    const { target, session, baseline } = await atBaseline(nodeCommand('leaky-server.mjs', '--port {port}'), { gc: true })
    const diff = diffInventories(baseline, await afterClients(target, session, CLIENTS))

    expect(diff.leaked.filter((g) => g.kind !== 'other' && g.kind !== 'immediate')).toEqual([])
    expect(diff.leakedByKind.socket + diff.leakedByKind.timer + diff.leakedByKind.server).toBe(0)
  })

  it('instruments a CommonJS target too, counting unref\'d timers that getActiveResourcesInfo omits', async () => {
    const { target, session, baseline } = await atBaseline(nodeCommand('timer-server.cjs', '--port {port}'))
    const end = await afterClients(target, session, 3)
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
    const { target, session, baseline } = await atBaseline(command)
    const diff = diffInventories(baseline, await afterClients(target, session, 2))

    // Line 6 of the generated file maps to line 106 of src/original.ts (see the fixture).
    const timers = diff.leaked.filter((g) => g.kind === 'timer')
    expect(timers.map((g) => [g.count, g.site])).toEqual([[2, expect.stringMatching(/\/src\/original\.ts:106:\d+$/)]])
  })
})

/** Starts `command` and takes the baseline inventory once the readiness probe's connection has landed. */
async function atBaseline (command: string, { gc = false } = {}): Promise<{ target: TargetProcess, session: InspectorSession, baseline: Inventory }> {
  const target = await startTarget({ kind: 'command', command })
  const session = await inspect(target)
  if (gc) await session.collectGarbage()
  // The readiness probe's connection is accepted asynchronously: let it land before the baseline.
  await settle(session)
  return { target, session, baseline: await session.inventory() }
}

/** Runs `clients` against the target, then takes the end inventory once its handles are stable. */
async function afterClients (target: TargetProcess, session: InspectorSession, clients: number): Promise<Inventory> {
  await runClients(target.address.port, clients)
  expect((await settle(session)).stable).toBe(true)
  return await session.inventory()
}

function escape (text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&')
}

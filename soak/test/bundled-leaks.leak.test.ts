import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { category, leakedOfKind, nicksLeavingBy, QUICK_CLIENTS, soakReport, heapComparisonOf } from './helper.js'

// Every leak bug of the bundled server, soaked the way a user would (small loads, 3 rounds,
// clients leaving in the default mix), must be flagged in its category with evidence that
// points into the server's code — and nothing else may be flagged.
const serverSrc = fileURLToPath(new URL('../../server/src/', import.meta.url))
const ROUNDS = 3
const closes = QUICK_CLIENTS * ROUNDS
const hangups = nicksLeavingBy('close')
const leavesWithoutQuit = [...nicksLeavingBy('close'), ...nicksLeavingBy('reset')].sort()

describe('the bundled server\'s leak bugs, each flagged in its category', () => {
  it('timer: one keep-alive interval per closed session, created in keep-alive.ts, its Timeout objects traced in the heap', async () => {
    const { report } = await soakReport({ kind: 'bundled', leaks: ['timer'] })
    expect(report.outcome).toBe('leak')
    expect(category(report, 'timer')).toMatchObject({ status: 'fail', found: closes })
    const timers = leakedOfKind(report, 'timer')
    expect(timers.map((g) => [g.type, g.count])).toEqual([['Timeout', closes]])
    expect(timers[0]?.site).toMatch(new RegExp(`^${serverSrc}keep-alive\\.ts:\\d+:\\d+$`))
    expect(timers[0]?.sample[0]?.repeatMs).toBe(60_000)
    // Linked to the heap: what holds the leaked timers' JS objects.
    expect(timers[0]?.heapClass).toBe('Timeout')
    expect(timers[0]?.retainerPaths.length).toBeGreaterThan(0)
    expect(category(report, 'socket').status).toBe('pass')
    expect(category(report, 'lifecycle').status).toBe('pass')
  })

  it('socket: a half-open socket per client that hung up without QUIT, accepted by the server\'s listen, and its session never closed', async () => {
    const { report } = await soakReport({ kind: 'bundled', leaks: ['socket'] })
    expect(category(report, 'socket')).toMatchObject({ status: 'fail', found: hangups.length })
    const sockets = leakedOfKind(report, 'socket')
    expect(sockets.map((g) => [g.type, g.count, g.siteSource])).toEqual([['TCPWRAP', hangups.length, 'trigger']])
    expect(sockets[0]?.site).toMatch(new RegExp(`^${serverSrc}chat-server\\.ts:\\d+:\\d+$`))
    expect(sockets[0]?.retainerPaths[0]?.path).toMatch(/ → Socket$/)
    // The lifecycle match names exactly the clients that left with a FIN and no QUIT.
    expect(category(report, 'lifecycle')).toMatchObject({ status: 'fail', found: hangups.length })
    expect(report.lifecycle?.openSessions.map((s) => s.nick)).toEqual(hangups)
    expect(report.lifecycle?.openSessions.every((s) => s.clientClosed === true)).toBe(true)
    expect(category(report, 'timer').status).toBe('pass')
  })

  it('close-race: sessions of clients that hung up or reset never close, leaving their sockets and keep-alive timers', async () => {
    const { report } = await soakReport({ kind: 'bundled', leaks: ['close-race'] })
    expect(category(report, 'lifecycle')).toMatchObject({ status: 'fail', found: leavesWithoutQuit.length })
    expect(report.lifecycle?.openSessions.map((s) => s.nick)).toEqual(leavesWithoutQuit)
    expect(category(report, 'timer')).toMatchObject({ status: 'fail', found: leavesWithoutQuit.length })
    expect(leakedOfKind(report, 'timer')[0]?.site).toMatch(new RegExp(`^${serverSrc}keep-alive\\.ts:`))
    // A reset socket is destroyed by Node whatever the bug; the half-closed ones stay.
    expect(category(report, 'socket')).toMatchObject({ status: 'fail', found: hangups.length })
    expect(leakedOfKind(report, 'socket')[0]?.site).toMatch(new RegExp(`^${serverSrc}chat-server\\.ts:`))
  })

  it('listener: no handle leaks, but the heap shows sessions growing every round, held through the shutdown emitter', async () => {
    const { report } = await soakReport({ kind: 'bundled', leaks: ['listener'] })
    expect(report.verdict.categories.map((c) => [c.category, c.status])).toEqual([['socket', 'pass'], ['timer', 'pass'], ['lifecycle', 'pass'], ['heap', 'fail']])
    const leaks = heapComparisonOf(report)?.suspects.filter((s) => s.verdict === 'leak') ?? []
    const paths = leaks.flatMap((s) => s.retainerPaths.map((p) => p.path))
    expect(paths.some((p) => /ChatServer\.#notices → EventEmitter\._events → Object\.shutdown/.test(p)), paths.join('\n')).toBe(true)
    const sessions = leaks.find((s) => s.className === 'Connection')
    expect(sessions?.survivorsByRound.map((r) => r.count)).toEqual([QUICK_CLIENTS, QUICK_CLIENTS, QUICK_CLIENTS])
    expect(sessions?.objectsPerClientPerRound).toBe(1)
  })

  it('registry: no handle leaks, but the heap shows sessions held by the nick registry', async () => {
    const { report } = await soakReport({ kind: 'bundled', leaks: ['registry'] })
    expect(report.verdict.categories.map((c) => [c.category, c.status])).toEqual([['socket', 'pass'], ['timer', 'pass'], ['lifecycle', 'pass'], ['heap', 'fail']])
    const leaks = heapComparisonOf(report)?.suspects.filter((s) => s.verdict === 'leak') ?? []
    const paths = leaks.flatMap((s) => s.retainerPaths.map((p) => p.path))
    expect(paths.some((p) => /ChatHub\.nicks → NickRegistry\.#byNick → Map/.test(p)), paths.join('\n')).toBe(true)
    expect(leaks.find((s) => s.className === 'Connection')?.survivorsByRound.map((r) => r.count)).toEqual([QUICK_CLIENTS, QUICK_CLIENTS, QUICK_CLIENTS])
  })
})

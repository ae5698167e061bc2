import { fileURLToPath } from 'node:url'
import { describe, expect, it, onTestFinished } from 'vitest'
import { TargetProcess } from '../../diagnosis/src/target/target-process.js'
import { builtPaths } from '../../cli/src/soak.js'
import { startWithoutHooks } from '../../diagnosis/test/helper.js'
import { category, leakedOfKind, QUICK_CLIENTS, soakReport, heapComparisonOf } from './helper.js'

// A server soakwatch has never seen: a tiny IRC server written for these tests, with a
// per-session idle-check interval never cleared and an audit Map that keeps every session.
const fixture = fileURLToPath(new URL('./fixtures/tiny-irc-server.mjs', import.meta.url))
const command = (flags = ''): string => `'${process.execPath}' '${fixture}' --port {port} ${flags}`.trim()
const closes = QUICK_CLIENTS * 3

describe('a Node server given with --target', () => {
  it('is diagnosed: the idle-check timers with their line in the fixture, the audit Map in the heap', async () => {
    const { report } = await soakReport({ kind: 'command', command: command('--leak') })
    expect(report.target).toMatchObject({ mode: 'command', exit: { expected: true } })
    expect(category(report, 'timer')).toMatchObject({ status: 'fail', found: closes })
    const timers = leakedOfKind(report, 'timer')
    expect(timers[0]?.site).toMatch(new RegExp(`^${fixture}:51:\\d+$`))
    expect(timers[0]?.sample[0]?.repeatMs).toBe(30_000)
    expect(category(report, 'heap').status).toBe('fail')
    const session = heapComparisonOf(report)?.suspects.find((s) => s.className === 'Session')
    expect(session?.verdict).toBe('leak')
    expect(session?.survivorsByRound.map((r) => r.count)).toEqual([QUICK_CLIENTS, QUICK_CLIENTS, QUICK_CLIENTS])
    expect(session?.retainerPaths[0]?.path).toMatch(/auditTrail → Map → Session$/)
    // Without a lifecycle log, the client side alone: every connection closed.
    expect(report.lifecycle).toMatchObject({ mode: 'client-only', clientsNotClosed: [] })
    expect(category(report, 'socket').status).toBe('pass')
  })

  it('passes in its clean variant', async () => {
    const { report } = await soakReport({ kind: 'command', command: command() })
    expect(report.outcome, report.verdict.reasons.join('; ')).toBe('clean')
    expect(report.verdict.categories.map((c) => c.status)).toEqual(['pass', 'pass', 'pass', 'pass'])
  })
})

describe('--attach to a process started with --inspect and the hooks', () => {
  it('diagnoses it over its inspector and leaves it running', async () => {
    const target = await TargetProcess.start({ kind: 'command', command: command('--leak') }, { hooksPath: builtPaths().hooks })
    onTestFinished(async () => { await target.stop() })
    const { report } = await soakReport({ kind: 'attach', url: target.devtoolsUrl, port: target.address.port })
    expect(report.target).toMatchObject({ mode: 'attach', pid: target.pid, exit: null, devtoolsUrl: target.devtoolsUrl })
    expect(category(report, 'timer')).toMatchObject({ status: 'fail', found: closes })
    expect(leakedOfKind(report, 'timer')[0]?.site).toMatch(new RegExp(`^${fixture}:51:`))
    expect(target.exitStatus).toBeUndefined()
  })

  it('says the hooks are missing when the process was started without them', async () => {
    // An inspector, but no hooks preloaded.
    const bare = await startWithoutHooks(fixture)
    const { report } = await soakReport({ kind: 'attach', url: bare.url, port: bare.port })
    expect(report.outcome).toBe('error')
    expect(report.errors[0]?.code).toBe('SW_DIAG_HOOKS_MISSING')
    expect(report.rounds).toEqual([])
  })
})

/**
 * A user's server as it really runs: started by `npm start`, `npm run dev` (tsx), or as a
 * Node cluster. The same app (fixtures/user-app, a chat service with a keep-alive interval per
 * session that its leaky variant never clears) must get the same verdict whichever way it is
 * started, and nothing it started may outlive the soak.
 */
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import type { SoakReport } from '../src/report-model.js'
import { category, leakedOfKind, QUICK_CLIENTS, soakReport } from './helper.js'
import { isRunning } from '../../diagnosis/src/target/process-group.js'

const app = fileURLToPath(new URL('./fixtures/user-app', import.meta.url))
const ROUNDS = 3

/** The ways a user starts the app; each fills {port} and passes --leak on. */
const WAYS: Record<string, (flags: string) => string> = {
  node: (flags) => `'${process.execPath}' '${app}/server.mjs' --port {port} ${flags}`,
  'npm start': (flags) => `npm --prefix '${app}' start -- --port {port} ${flags}`,
  'npm run dev (tsx)': (flags) => `npm --prefix '${app}' run dev -- --port {port} ${flags}`,
  'a two-worker cluster': (flags) => `'${process.execPath}' '${app}/cluster.mjs' --workers 2 --port {port} ${flags}`
}

function failed (report: SoakReport): string[] {
  return report.verdict.categories.filter((c) => c.status === 'fail').map((c) => c.category)
}

/** Every Node process of the tree (wrapper, server, primary, workers) and the command's own pid. */
function pidsOf (report: SoakReport): number[] {
  const pids = report.target.tree.map((m) => m.pid)
  expect(pids.length).toBeGreaterThan(0)
  return [...new Set([...pids, report.target.pid ?? -1])]
}

describe('the same leaky app, however it is started', () => {
  const verdicts = new Map<string, string[]>()

  for (const [way, command] of Object.entries(WAYS)) {
    it(`through ${way}: the server is diagnosed, not its wrapper, the keep-alive timers are found in chat.mjs, and nothing is left running`, async () => {
      const { report } = await soakReport({ kind: 'command', command: command('--leak') })
      expect(report.errors).toEqual([])
      const served = report.target.tree.filter((m) => m.role === 'served')
      expect(served.map((m) => m.pid).sort()).toEqual(report.processes.map((p) => p.pid).sort())
      // The diagnosed processes run the app, never npm or tsx's launcher.
      for (const p of report.processes) expect(p.argv.join(' ')).toMatch(/user-app\/(server\.(mjs|ts)|cluster\.mjs)/)
      expect(report.processes).toHaveLength(way === 'a two-worker cluster' ? 2 : 1)
      if (way === 'a two-worker cluster') {
        expect(report.processes.map((p) => p.role)).toEqual(['worker', 'worker'])
        expect(report.target.tree.filter((m) => m.role === 'cluster primary')).toHaveLength(1)
        // Both workers carried part of the load, and the verdict counts both.
        for (const p of report.processes) expect(p.acceptedByRound?.every((n) => n > 0), JSON.stringify(p.acceptedByRound)).toBe(true)
      }
      expect(category(report, 'timer')).toMatchObject({ status: 'fail', found: QUICK_CLIENTS * ROUNDS })
      const timers = leakedOfKind(report, 'timer')
      expect(timers.length).toBeGreaterThan(0)
      for (const g of timers) {
        expect(g.site).toMatch(/user-app\/chat\.mjs:17:\d+$/)
        expect(g.sample[0]?.repeatMs).toBe(30_000)
      }
      verdicts.set(way, failed(report))
      expect(verdicts.get(way)).toEqual(verdicts.get('node'))
      for (const pid of pidsOf(report)) expect(isRunning(pid), `pid ${pid} still running`).toBe(false)
    })
  }

  for (const [way, command] of Object.entries(WAYS)) {
    it(`through ${way}: its clean twin passes`, async () => {
      const { report } = await soakReport({ kind: 'command', command: command('') })
      expect(report.outcome, report.verdict.reasons.join('; ') + report.verdict.warnings.join('; ')).toBe('clean')
      expect(report.verdict.categories.map((c) => c.status)).toEqual(['pass', 'pass', 'pass', 'pass'])
      for (const pid of pidsOf(report)) expect(isRunning(pid), `pid ${pid} still running`).toBe(false)
    })
  }
})

describe('a command whose tree has no Node process serving the port', () => {
  it('ends with the one-line reason, not a verdict about another process', async () => {
    const { report } = await soakReport({ kind: 'command', command: 'python3 -m http.server {port} --bind 127.0.0.1' })
    expect(report.outcome).toBe('error')
    expect(report.errors).toHaveLength(1)
    expect(report.errors[0]).toMatchObject({ code: 'SW_DIAG_TARGET_NOT_SERVED' })
    expect(report.errors[0]?.message).toMatch(/no Node process started by "python3 .*" serves 127\.0\.0\.1:\d+: none of its processes loaded soakwatch's hooks/)
    expect(report.processes).toEqual([])
    expect(report.verdict.categories.every((c) => c.status === 'not-measured')).toBe(true)
  })

  it('names the Node processes it saw when a Node wrapper starts a server that is not Node', async () => {
    // npm is a Node process with the hooks; what it runs (Python) serves the port.
    const { report } = await soakReport({ kind: 'command', command: `npm exec --yes=false -- python3 -m http.server {port} --bind 127.0.0.1` })
    expect(report.errors[0]?.code).toBe('SW_DIAG_TARGET_NOT_SERVED')
    expect(report.errors[0]?.message).toMatch(/Node processes seen: pid \d+ node .*npm.* \(not serving\)/)
  })
})

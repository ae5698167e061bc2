/** Report fixtures for renderer tests, built through the real report model. */
import type { Inventory, LiveResource } from '../../diagnosis/src/hooks/inventory.js'
import { defaultVerdictConfig } from '../../diagnosis/src/verdict-config.js'
import type { LoadSummary, Observations, ProcessObservation, SoakReport } from '../../soak/src/report-model.js'
import { buildReport } from '../../soak/src/report-model.js'

export const root = '/srv/app'

function live (id: number, fields: Partial<LiveResource> = {}): LiveResource {
  return { id, type: 'TCPWRAP', kind: 'socket', triggerId: 1, site: `${root}/server.js:27:8`, siteSource: 'trigger', siteInDependency: false, createdAtMs: id, refed: true, ...fields }
}

function inv (resources: LiveResource[], activeResources: Record<string, number>): Inventory {
  return { schema: 'soakwatch.inventory/1', pid: 7, takenAt: 0, uptimeMs: 0, hooks: { installedAt: 0, tracked: 0, pruned: 0, failure: null }, activeResources, resources, memory: {}, heap: {}, stats: null, statsError: null }
}

/** An IRC round's load summary: 3 clients, 33 messages, one delivery lost. */
export function ircLoad (fields: Partial<LoadSummary> = {}): LoadSummary {
  return {
    protocol: 'irc',
    clients: 3,
    connected: 3,
    handshaked: 3,
    operations: { planned: 33, sent: 33, completed: 33 },
    errors: {},
    errorCount: 0,
    latencyMs: { p50: 1.25, p90: 5, p99: 9.5, p999: 11, max: 12 },
    durationMs: 4000,
    unit: { noun: 'client', count: 3 },
    completedPerS: 8.25,
    irc: { messagesSent: 33, expected: 66, delivered: 65, lost: 1, duplicates: 0, lossRatio: 1 / 66 },
    http: null,
    ...fields
  }
}

const load = ircLoad()

/** The one diagnosed process of the fixtures. */
export function processObservation (fields: Partial<ProcessObservation> = {}): ProcessObservation {
  return { pid: 7, role: 'process', argv: ['node', 'server.js'], devtoolsUrl: 'ws://127.0.0.1:9229/x', port: 4000, ends: [], usedAfterGc: [], snapshots: [], ...fields }
}

/** Observations of a leaky run: 2 leaked sockets, 1 leaked interval, 1 session never closed. */
export function leakyObservations (): Observations {
  const server = live(5, { type: 'TCPSERVERWRAP', kind: 'server', siteSource: 'context' })
  return {
    runId: 'run-1',
    startedAtMs: Date.UTC(2025, 0, 1),
    finishedAtMs: Date.UTC(2025, 0, 1) + 10_000,
    environment: { node: 'v20.20.2', v8: '11.3', platform: 'linux', release: '6.1', arch: 'x64', cpuModel: 'Test CPU', cores: 2 },
    target: { mode: 'command', command: 'node server.js --port 4000', devtoolsUrl: 'ws://127.0.0.1:9229/x', pid: 7, exit: null, tree: [] },
    settings: { clients: 3, rounds: 1 },
    protocol: 'irc',
    rounds: [
      { round: 0, load: null, settle: null, usedHeapAfterGcBytes: 4_000_000, activeResources: {}, snapshots: [] },
      { round: 1, load, settle: { stable: true, samples: 4, elapsedMs: 300 }, usedHeapAfterGcBytes: 4_500_000, activeResources: {}, snapshots: [`${root}/profiles/run-1/round-1.heapsnapshot`] }
    ],
    load,
    processes: [processObservation({
      baseline: inv([server], { TCPServerWrap: 1 }),
      ends: [inv([
        server,
        live(20, { local: { address: '127.0.0.1', port: 4000, family: 'IPv4' }, remote: { address: '127.0.0.1', port: 50001, family: 'IPv4' } }),
        live(21),
        live(22, { type: 'Timeout', kind: 'timer', site: `${root}/server.js:16:21`, siteSource: 'stack', delayMs: 60000, repeatMs: 60000 })
      ], { TCPServerWrap: 1, TCPSocketWrap: 2, Timeout: 1 })],
      snapshots: [{ phase: 'baseline', path: `${root}/profiles/run-1/baseline.heapsnapshot`, bytes: 5_000_000 }]
    })],
    settled: true,
    clients: [
      { nick: 'c1', localAddress: '127.0.0.1:50001', connectedAt: 1, registeredAt: 2 },
      { nick: 'c|2', localAddress: '127.0.0.1:50002', connectedAt: 1, registeredAt: 2, closedAt: 3, closedBy: 'client' }
    ],
    serverEvents: [
      { event: 'open', conn: '1', remote: '127.0.0.1:50001' },
      { event: 'registered', conn: '1', nick: 'c1' },
      { event: 'open', conn: '2', remote: '127.0.0.1:50002' },
      { event: 'close', conn: '2', nick: 'c|2', reason: 'Quit', by: 'client' }
    ],
    phases: [{ name: 'start target', ms: 800 }, { name: 'load round 1', ms: 4000, load: true }, { name: 'settle', ms: 300 }],
    files: { report: `${root}/reports/run-1/report.json`, markdown: `${root}/reports/run-1/report.md`, junit: null, profiles: [] },
    errors: [],
    verdictConfig: defaultVerdictConfig()
  }
}

export function leakyReport (): SoakReport {
  return buildReport(leakyObservations())
}

/** The same run with nothing leaked and every session closed. */
export function cleanReport (): SoakReport {
  const o = leakyObservations()
  for (const p of o.processes) if (p.baseline !== undefined) p.ends = [p.baseline]
  o.serverEvents = [...(o.serverEvents ?? []), { event: 'close', conn: '1', nick: 'c1', reason: 'Quit', by: 'client' }]
  o.clients = o.clients?.map((c) => ({ ...c, closedAt: 3 }))
  return buildReport(o)
}

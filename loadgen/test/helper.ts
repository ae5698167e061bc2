/**
 * Shared helpers of the loadgen tests: synthetic results for the pure core, real servers and a
 * tiny fake IRC server for the engine.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startServer } from '../../bench/irc-servers.js'
import type { RunningServer } from '../../bench/irc-servers.js'
import { createHistogram, encodeHistogram } from '../src/histograms.js'
import type { EncodedHistogram } from '../src/histograms.js'
import { LOAD_RESULT_FORMAT, LOAD_RESULT_VERSION } from '../src/load-result.js'
import type { LoadOutcome, LoadResult } from '../src/load-result.js'
import { appendWindow, emptySeries } from '../src/time-series.js'

export function histogramOf (values: readonly number[]): EncodedHistogram {
  const h = createHistogram()
  for (const v of values) h.recordValue(v)
  return encodeHistogram(h)
}

export interface ResultParts {
  worker?: number
  outcome?: LoadOutcome
  clients?: number
  sent?: number
  expected?: number
  unique?: number
  duplicates?: number
  fanout?: number[]
  connect?: number[]
  errors?: Record<string, number>
  /** Per-second sent counts, starting at second 0. */
  series?: number[]
  rooms?: Array<{ room: number, members: number, sent: number, expected: number, unique: number }>
  recordIds?: number[]
}

/** A load result as one worker would produce it, from a few raw observations. */
export function fakeResult (p: ResultParts = {}): LoadResult {
  const series = emptySeries(1000, 600)
  ;(p.series ?? []).forEach((sent, i) => appendWindow(series, { startMs: i * 1000, connected: 1, sent, delivered: 0, errors: 0, p99Us: 0, cpuMs: 1, lagP99Ms: 0 }))
  const unique = p.unique ?? 0
  const expected = p.expected ?? 0
  return {
    format: LOAD_RESULT_FORMAT,
    version: LOAD_RESULT_VERSION,
    config: {
      host: '127.0.0.1', port: 6667, ports: [6667], clients: 10, channel: '#soak', roomSize: 10, rooms: 1, minIntervalMs: 1000, maxIntervalMs: 3000,
      messages: 11, durationS: null, connectRate: 200, workers: 1, payloadBytes: 0, sourceAddresses: []
    },
    epochMs: 1_700_000_000_000,
    startedMs: 1_700_000_000_000 + (p.worker ?? 0),
    endedMs: 1_700_000_010_000 + (p.worker ?? 0),
    outcome: p.outcome ?? 'complete',
    abort: p.outcome === undefined || p.outcome === 'complete' ? null : { code: `X_${p.outcome}`, message: p.outcome },
    clients: {
      target: p.clients ?? 0, started: p.clients ?? 0, connected: p.clients ?? 0, registered: p.clients ?? 0, joined: p.clients ?? 0,
      connectFailed: 0, joinFailed: 0, nickRetries: 0, droppedEarly: 0, quitClean: p.clients ?? 0, quitTimedOut: 0,
      hangupClean: 0, hangupTimedOut: 0, resets: 0
    },
    messages: {
      planned: p.sent ?? 0, sent: p.sent ?? 0, expected, delivered: unique + (p.duplicates ?? 0), unique, duplicates: p.duplicates ?? 0,
      reordered: 0, lost: Math.max(0, expected - unique), foreign: 0
    },
    latency: {
      connect: histogramOf(p.connect ?? []),
      register: histogramOf([]),
      join: histogramOf([]),
      fanout: histogramOf(p.fanout ?? []),
      timerLateness: histogramOf([])
    },
    errors: p.errors ?? {},
    series,
    self: {
      bottleneck: false,
      reasons: [],
      workers: [{
        worker: p.worker ?? 0, pid: 1000 + (p.worker ?? 0), wallMs: 1, cpuUserMs: 1, cpuSystemMs: 1, sendWallMs: 1, sendCpuMs: 1, cpuPressure: null, delivered: unique + (p.duplicates ?? 0), reads: 1,
        eventLoopLag: { p50Ms: 0, p99Ms: 0, maxMs: 0 }, fdLimit: { soft: 1024, hard: 1024, needed: 74, raised: false }, bottleneck: false, reasons: []
      }]
    },
    rooms: (p.rooms ?? []).map(r => ({ ...r, channel: `#soak-${r.room}`, duplicates: 0, reordered: 0 })).sort((a, b) => a.room - b.room),
    clientRecords: p.recordIds === undefined
      ? null
      : p.recordIds.map(id => ({
        id, nick: `s${id}`, channel: '#soak', localAddress: '127.0.0.1', localPort: 40000 + id, connectStartMs: 1, connectedMs: 2, registeredMs: 3,
        joinedMs: 4, quitSentMs: 5, disconnect: 'quit' as const, leftMs: 5, closedMs: 6, closedBy: 'server' as const, serverClosed: true, error: null, sent: 1, received: 1
      }))
  }
}

/** Tests run from source; workers are forked from the build (`npm test` builds first). */
export function workerEntryForTests (): string {
  return fileURLToPath(new URL('../../dist/loadgen/src/worker-entry.js', import.meta.url))
}

/** One record of the reference server's NDJSON lifecycle log (docs/architecture.md). */
export interface LifecycleRecord { event: string, conn: number, remote?: string, nick?: string, reason?: string, by?: string }

export interface LoggedReferenceServer {
  server: RunningServer
  /** Stops the server (so the log is complete) and returns its lifecycle records. */
  stopAndReadLog: () => Promise<LifecycleRecord[]>
  cleanup: () => Promise<void>
}

/** The bundled reference server, built (`npm test` builds first), logging its lifecycle to a temporary file. */
export async function startLoggedReferenceServer (): Promise<LoggedReferenceServer> {
  const dir = mkdtempSync(join(tmpdir(), 'soakwatch-ref-'))
  const log = join(dir, 'lifecycle.ndjson')
  const server = await startServer('reference', { root: fileURLToPath(new URL('../..', import.meta.url)), args: ['--log', log] })
  return {
    server,
    stopAndReadLog: async () => {
      await server.stop()
      return readFileSync(log, 'utf8').trim().split('\n').map(l => JSON.parse(l) as LifecycleRecord)
    },
    cleanup: async () => {
      await server.stop()
      rmSync(dir, { recursive: true, force: true })
    }
  }
}

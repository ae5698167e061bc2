/**
 * Driver results: exact merge across rounds, and the summary the report shows. Pure.
 *
 * Every number of a result is a count except the encoded latency histogram, so a merge sums
 * counts key by key and merges histograms; rates and percentiles are derived afterwards, never
 * averaged.
 */
import { decodeHistogram, mergeEncodedHistograms } from '../../loadgen/src/histograms.js'
import type { DriverResult, HttpCounts, IrcCounts, LoadProtocol } from './load-driver.js'
import { DRIVER_OUTCOME_SEVERITY } from './load-driver.js'
import { LoadMergeError } from './errors.js'

/** The report's load numbers for one round or the whole run. */
export interface LoadSummary {
  protocol: LoadProtocol
  clients: number
  connected: number
  handshaked: number
  operations: { planned: number | null, sent: number, completed: number }
  errors: Record<string, number>
  /** Σ errors. */
  errorCount: number
  /** IRC: fan-out latency from the intended send time; HTTP: response latency. */
  latencyMs: { p50: number, p90: number, p99: number, p999: number, max: number }
  durationMs: number
  unit: DriverResult['unit']
  /** completed / duration. */
  completedPerS: number
  irc: (IrcCounts & { lossRatio: number }) | null
  http: (HttpCounts & { requestsPerS: number, bytesPerS: number }) | null
}

/**
 * Merges results of one protocol (rounds of a soak) exactly: counts add up, histograms merge,
 * the worst outcome wins, client records are concatenated.
 * @throws {LoadMergeError} for an empty list or mixed protocols
 */
export function mergeDriverResults (results: readonly DriverResult[]): DriverResult {
  const first = results[0]
  if (first === undefined) throw new LoadMergeError('no results to merge')
  if (results.some((r) => r.protocol !== first.protocol)) throw new LoadMergeError(`results of different protocols: ${[...new Set(results.map((r) => r.protocol))].join(', ')}`)
  const worst = results.reduce((a, b) => DRIVER_OUTCOME_SEVERITY[b.outcome] > DRIVER_OUTCOME_SEVERITY[a.outcome] ? b : a)
  const planned = results.some((r) => r.operations.planned === null) ? null : results.reduce((n, r) => n + (r.operations.planned ?? 0), 0)
  return {
    protocol: first.protocol,
    outcome: worst.outcome,
    abort: worst.abort ?? results.find((r) => r.abort !== null)?.abort ?? null,
    startedMs: Math.min(...results.map((r) => r.startedMs)),
    endedMs: Math.max(...results.map((r) => r.endedMs)),
    clients: sum(results, (r) => r.clients),
    connected: sum(results, (r) => r.connected),
    handshaked: sum(results, (r) => r.handshaked),
    operations: { planned, sent: sum(results, (r) => r.operations.sent), completed: sum(results, (r) => r.operations.completed) },
    errors: sumRecords(results.map((r) => r.errors)),
    latency: mergeEncodedHistograms(results.map((r) => r.latency), 'latency'),
    unit: { noun: first.unit.noun, count: sum(results, (r) => r.unit.count) },
    irc: first.irc === null ? null : sumRecords(results.map((r) => r.irc ?? {})) as unknown as IrcCounts,
    http: first.http === null ? null : sumRecords(results.map((r) => r.http ?? {})) as unknown as HttpCounts,
    clientRecords: results.some((r) => r.clientRecords !== null) ? results.flatMap((r) => r.clientRecords ?? []) : null
  }
}

/**
 * The summary of a result. `durationMs` is the time the load ran: for a merge of rounds, pass
 * the sum of the rounds' durations (the gaps between rounds carried no load).
 */
export function summarizeDriverResult (r: DriverResult, durationMs = r.endedMs - r.startedMs): LoadSummary {
  const h = decodeHistogram(r.latency, 'latency')
  const ms = (us: number): number => Math.round(us) / 1000
  const seconds = Math.max(durationMs, 1) / 1000
  const errorCount = Object.values(r.errors).reduce((n, v) => n + v, 0)
  return {
    protocol: r.protocol,
    clients: r.clients,
    connected: r.connected,
    handshaked: r.handshaked,
    operations: { ...r.operations },
    errors: { ...r.errors },
    errorCount,
    latencyMs: {
      p50: ms(h.getValueAtPercentile(50)),
      p90: ms(h.getValueAtPercentile(90)),
      p99: ms(h.getValueAtPercentile(99)),
      p999: ms(h.getValueAtPercentile(99.9)),
      max: ms(h.maxValue)
    },
    durationMs,
    unit: { ...r.unit },
    completedPerS: r.operations.completed / seconds,
    irc: r.irc === null ? null : { ...r.irc, lossRatio: r.irc.expected === 0 ? 0 : r.irc.lost / r.irc.expected },
    http: r.http === null ? null : { ...r.http, requestsPerS: r.http.responses / seconds, bytesPerS: r.http.bytesRead / seconds }
  }
}

function sum (results: readonly DriverResult[], pick: (r: DriverResult) => number): number {
  return results.reduce((n, r) => n + pick(r), 0)
}

/** Adds records of counts key by key, keys sorted so that merge order never changes the JSON. */
function sumRecords (list: ReadonlyArray<Record<string, number> | object>): Record<string, number> {
  const out: Record<string, number> = {}
  for (const rec of list) for (const [k, v] of Object.entries(rec)) out[k] = (out[k] ?? 0) + (v as number)
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
}

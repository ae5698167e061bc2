/**
 * The load-driver contract: what the soak needs of a load, whatever protocol it speaks. The IRC
 * loadgen (./irc-driver.ts) and the HTTP driver over autocannon (./http-driver.ts) implement it,
 * so the soak starts, stops, watches and judges a round without knowing which one runs.
 *
 * A driver runs once: `start()` resolves with a {@link DriverResult} — also when it was stopped
 * or the target went away (`outcome`, `abort`) — and rejects only when the load cannot start at
 * all. Results are plain JSON whose latency is an encoded HDR histogram and whose other numbers
 * are counts, so `mergeDriverResults` (./driver-result.ts) merges rounds exactly.
 */
import type { EventEmitter } from 'node:events'
import type { ClientLifecycle } from '../../diagnosis/src/lifecycle-match.js'
import type { EncodedHistogram } from '../../loadgen/src/histograms.js'

export type LoadProtocol = 'irc' | 'http'
export const LOAD_PROTOCOLS: readonly LoadProtocol[] = ['irc', 'http']

/**
 * How a load ended, from benign to worst: `complete`; `stopped` by `stop()` (results partial);
 * `target-unreachable` (no connection ever succeeded); `target-lost` (the target dropped every
 * live connection); `failed` (the load engine itself failed, e.g. a worker died).
 */
export type DriverOutcome = 'complete' | 'stopped' | 'target-unreachable' | 'target-lost' | 'failed'
export const DRIVER_OUTCOME_SEVERITY: Readonly<Record<DriverOutcome, number>> = {
  complete: 0, stopped: 1, 'target-unreachable': 2, 'target-lost': 3, failed: 4
}

/** Counts specific to the IRC load (fan-out accounting). */
export interface IrcCounts {
  messagesSent: number
  /** Deliveries the fan-out should have produced. */
  expected: number
  /** Distinct deliveries. */
  delivered: number
  lost: number
  duplicates: number
}

/** Counts specific to the HTTP load. */
export interface HttpCounts {
  requests: number
  responses: number
  s1xx: number
  s2xx: number
  s3xx: number
  s4xx: number
  s5xx: number
  timeouts: number
  /** Request or connection errors (resets, refusals, parse errors): `errors` has them by kind. */
  errors: number
  bytesRead: number
  /** Connections the load opened, and of those, closed by the end (every one must be). */
  connectionsOpened: number
  connectionsClosed: number
}

/** One round's load, protocol-neutral, with the protocol's own counts beside it. */
export interface DriverResult {
  protocol: LoadProtocol
  outcome: DriverOutcome
  abort: { code: string, message: string } | null
  /** Epoch ms. */
  startedMs: number
  endedMs: number
  /** IRC: simulated clients; HTTP: concurrent connections. */
  clients: number
  /** Clients whose TCP connection succeeded. */
  connected: number
  /** Clients that completed the protocol's handshake: IRC registered and joined; HTTP got a response. */
  handshaked: number
  /**
   * `planned`: what the load meant to send (IRC: the joined clients' sends; HTTP: `--amount`, or
   * rate × duration; null for a closed-loop HTTP load, which sends as fast as it is answered).
   * `sent`: operations sent. `completed`: IRC sends, HTTP responses.
   */
  operations: { planned: number | null, sent: number, completed: number }
  /** Errors by kind (ECONNREFUSED, connect-timeout, timeout, server-closed, …). */
  errors: Record<string, number>
  /** IRC: fan-out latency; HTTP: response latency; µs, coordinated omission corrected. */
  latency: EncodedHistogram
  /**
   * What the heap rule divides a round's survivors by (docs/heap.md): IRC, the clients that
   * connected (a session leaks per client); HTTP, the responses (a handler leaks per request,
   * and a duration-bound round's request count varies).
   */
  unit: { noun: 'client' | 'request', count: number }
  irc: IrcCounts | null
  http: HttpCounts | null
  /** Each client's lifecycle, for the lifecycle match (IRC; null for HTTP). */
  clientRecords: ClientLifecycle[] | null
}

/** Once a second while the load runs, for progress displays. */
export interface DriverTick {
  elapsedMs: number
  phase: string
  clients: number
  connected: number
  sent: number
  /** Completions in the last window per second: IRC deliveries/s, HTTP responses/s. */
  completedPerS: number
  /** What `completedPerS` counts, for the display. */
  completedLabel: string
  /** Latency p99 within the window, ms. */
  windowP99Ms: number
  errors: number
  /** The load generator's own event-loop delay p99, ms (it is the bottleneck past ~50 ms). */
  lagP99Ms: number
}

export interface LoadDriverEvents {
  phase: [string]
  /** A line worth showing as it happens (a barrier passed, a connection refused for the first time). */
  note: [string]
  tick: [DriverTick]
  done: [DriverResult]
}

export interface LoadDriver extends EventEmitter<LoadDriverEvents> {
  readonly protocol: LoadProtocol
  /** Clients (IRC) or connections (HTTP) of this run. */
  readonly clients: number
  /**
   * Runs the load to the end; see the module header.
   * @throws a coded error when the load cannot start at all (fd limit, ephemeral ports, bad options)
   */
  start: () => Promise<DriverResult>
  /** Stops early; `start()` resolves with partial results and `outcome: 'stopped'`. */
  stop: (reason?: string) => void
}

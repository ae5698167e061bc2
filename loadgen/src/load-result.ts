/**
 * The versioned result of a load run, pure types and validation.
 *
 * A result is plain JSON. Its histograms are HdrHistogram encodings (see histograms.ts), so the
 * results of several workers or machines merge exactly with `mergeLoadResults`. A result covers
 * the clients *it* ran (`clients.target`); `config` describes the run that produced it.
 */
import type { EncodedHistogram } from './histograms.js'
import type { TimeSeries } from './time-series.js'
import { LoadResultFormatError } from './errors.js'
import type { DisconnectMix, DisconnectStyle } from './disconnect.js'

/** Format tag and version of a load result: a merge refuses any other. */
export const LOAD_RESULT_FORMAT = 'soakwatch/load-result'
export const LOAD_RESULT_VERSION = 1

/**
 * How the run ended. Ordered from benign to worst; a merge reports the worst of its inputs.
 * - complete: every phase ran; `stopped`: stop() was called (e.g. SIGINT), results are partial;
 * - target-unreachable / target-lost: no connection ever succeeded / the target dropped every
 *   live connection (it died); `worker-failed`: a worker process died without a result.
 */
export type LoadOutcome = 'complete' | 'stopped' | 'target-unreachable' | 'target-lost' | 'worker-failed'
/** Rank of each outcome; a merge reports the highest. */
export const OUTCOME_SEVERITY: Readonly<Record<LoadOutcome, number>> = {
  complete: 0, stopped: 1, 'target-unreachable': 2, 'target-lost': 3, 'worker-failed': 4
}

/** Why a run ended early: the code and message of the error that ended it (docs/errors.md). */
export interface LoadAbort {
  code: string
  message: string
}

export interface LoadConfigSummary {
  host: string
  /** The first server port; `ports` lists all when rooms were spread over several servers. */
  port: number
  ports: number[]
  clients: number
  channel: string
  roomSize: number
  rooms: number
  minIntervalMs: number
  maxIntervalMs: number
  messages: number | null
  durationS: number | null
  connectRate: number
  workers: number
  payloadBytes: number
  sourceAddresses: string[]
  /** Weights of the ways clients leave (disconnect.ts); absent in results of older builds. */
  disconnect?: DisconnectMix
}

export interface ClientCounts {
  /** Clients this result is responsible for. */
  target: number
  /** Connection attempts begun (fewer than target when the run stopped during the ramp). */
  started: number
  connected: number
  registered: number
  /** Joined before the barrier: these clients send and are expected to receive. */
  joined: number
  connectFailed: number
  /** Connected but not registered and joined in time (timeouts, refusals). */
  joinFailed: number
  /** Collisions answered by retrying with a suffixed nick. */
  nickRetries: number
  /** Connections the server closed or reset before the client said QUIT. */
  droppedEarly: number
  /** QUIT sent and the server closed its side. */
  quitClean: number
  /** QUIT sent but the server did not close in time; the client destroyed the socket. */
  quitTimedOut: number
  /** Left with a FIN and no QUIT (`close` style), and the server closed its side. */
  hangupClean: number
  /** Left with a FIN, but the server never closed its side in time; the client destroyed the socket. */
  hangupTimedOut: number
  /** Left with a reset (`reset` style): the server's side cannot be observed from here. */
  resets: number
}

export interface MessageCounts {
  /**
   * Sends the joined clients were to make: their count (`messages`), or what fell within the
   * duration; a client dropped mid-run still counts the sends it missed. The soak's load floor
   * compares `sent` with it.
   */
  planned: number
  sent: number
  /** Σ over sent messages of (room members at the barrier − 1). */
  expected: number
  /** Every PRIVMSG carrying one of our payloads, duplicates included. */
  delivered: number
  /** Distinct deliveries (in order + reordered). */
  unique: number
  duplicates: number
  reordered: number
  /** expected − unique, never negative. */
  lost: number
  /** Payloads that did not decode, or named a sender outside the receiver's room. */
  foreign: number
}

export interface RoomStats {
  room: number
  channel: string
  /** Members that joined before the barrier, across all workers. */
  members: number
  sent: number
  expected: number
  unique: number
  duplicates: number
  reordered: number
}

/** Who closed a connection first. */
export type ClosedBy = 'client' | 'server' | 'error'

export interface ClientRecord {
  id: number
  nick: string
  channel: string
  localAddress: string | null
  localPort: number | null
  /** Epoch milliseconds; null when the step never happened. */
  connectStartMs: number
  connectedMs: number | null
  registeredMs: number | null
  joinedMs: number | null
  quitSentMs: number | null
  /** How the client left on its own (null when it never got to: failed, dropped, stopped while connecting). */
  disconnect: DisconnectStyle | null
  /** When it began leaving, whatever the style (QUIT sent, FIN sent, reset). */
  leftMs: number | null
  closedMs: number | null
  closedBy: ClosedBy | null
  /** The server closed its side (we received its FIN), whoever went first; always false after a reset. */
  serverClosed: boolean
  /** First error kind this client met, or null. */
  error: string | null
  sent: number
  received: number
}

export interface SelfReport {
  worker: number
  pid: number
  wallMs: number
  cpuUserMs: number
  cpuSystemMs: number
  /** Wall and CPU time from the start of sending to the end of the drain. */
  sendWallMs: number
  sendCpuMs: number
  /** Machine CPU pressure (PSI some avg10, %) when sending ended: other processes competing. */
  cpuPressure: number | null
  /** Deliveries this process received (its share of `messages.delivered`). */
  delivered: number
  /**
   * Socket reads while sending and draining: the kernel's and Node's cost is per read, so
   * deliveries per read drives CPU per delivery.
   */
  reads: number
  /** Event-loop delay while sending and draining (when it distorts latency), ms. */
  eventLoopLag: { p50Ms: number, p99Ms: number, maxMs: number }
  fdLimit: { soft: number, hard: number, needed: number, raised: boolean }
  bottleneck: boolean
  reasons: string[]
}

export interface LoadResult {
  format: typeof LOAD_RESULT_FORMAT
  version: typeof LOAD_RESULT_VERSION
  config: LoadConfigSummary
  /** The run's time origin (epoch ms): payload times and series windows count from it. */
  epochMs: number
  startedMs: number
  endedMs: number
  outcome: LoadOutcome
  abort: LoadAbort | null
  clients: ClientCounts
  messages: MessageCounts
  latency: {
    connect: EncodedHistogram
    register: EncodedHistogram
    join: EncodedHistogram
    /** Fan-out latency from the intended send time (coordinated-omission corrected). */
    fanout: EncodedHistogram
    /** How late send timers fired relative to their intended time. */
    timerLateness: EncodedHistogram
  }
  /** Error counts by kind: ECONNREFUSED, ECONNRESET, connect-timeout, server-error, numeric-433, … */
  errors: Record<string, number>
  series: TimeSeries
  self: { bottleneck: boolean, reasons: string[], workers: SelfReport[] }
  rooms: RoomStats[]
  /** Present when the run was asked to record clients. */
  clientRecords: ClientRecord[] | null
}

/**
 * Checks that `value` is a load result this version can merge, and returns it typed.
 * Only the envelope is checked; the fields are trusted as this program wrote them.
 * @throws {LoadResultFormatError} on another format or version
 */
export function parseLoadResult (value: unknown): LoadResult {
  if (typeof value !== 'object' || value === null) {
    throw new LoadResultFormatError({ field: 'result', value: typeof value, expected: 'an object' })
  }
  const v = value as Partial<LoadResult>
  if (v.format !== LOAD_RESULT_FORMAT) throw new LoadResultFormatError({ field: 'format', value: v.format, expected: LOAD_RESULT_FORMAT })
  if (v.version !== LOAD_RESULT_VERSION) throw new LoadResultFormatError({ field: 'version', value: v.version, expected: String(LOAD_RESULT_VERSION) })
  return value as LoadResult
}

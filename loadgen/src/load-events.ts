/**
 * The load engine's public surface: its typed events and the engine interface. Printing,
 * progress bars and the soak orchestrator subscribe to these; the engine never prints.
 */
import type { EventEmitter } from 'node:events'
import type { LoadResult } from './load-result.js'
import type { ResolvedLoadOptions } from './load-options.js'

/** Phases in order; `done` is last and comes with the `done` event. */
export type LoadPhase = 'connecting' | 'sending' | 'draining' | 'quitting' | 'done'

export interface ClientEvent {
  id: number
  nick: string
  channel: string
  localAddress: string | null
  localPort: number | null
  /** Epoch milliseconds. */
  atMs: number
}

export interface ClientErrorEvent {
  id: number
  /** Same kinds as `LoadResult.errors`. */
  kind: string
  detail: string
}

export interface BarrierEvent {
  /** Clients that joined, across all workers; they send and receive. */
  joined: number
  /** Clients of this process that failed to connect, register or join in time. */
  failed: number
}

/** Once per tick (default every second): the last window and the running totals. */
export interface TickEvent {
  elapsedMs: number
  phase: LoadPhase
  target: number
  /** Clients with an open, connected socket now. */
  connected: number
  joined: number
  sent: number
  delivered: number
  deliveredPerS: number
  /** Fan-out p99 within the window, ms (0 when nothing arrived). */
  windowP99Ms: number
  errors: number
  lagP99Ms: number
  /** CPU used in the window, % of one core (summed over workers). */
  cpuPct: number
}

export interface LoadEvents {
  phase: [LoadPhase]
  connected: [ClientEvent]
  joined: [ClientEvent]
  'client-error': [ClientErrorEvent]
  barrier: [BarrierEvent]
  tick: [TickEvent]
  done: [LoadResult]
}

export type LoadEventName = keyof LoadEvents

/** A load run. One engine runs once. */
export interface LoadEngine extends EventEmitter<LoadEvents> {
  readonly options: ResolvedLoadOptions
  /**
   * Runs the load to the end and resolves with the result, also when the run was stopped or
   * the target died (see `outcome` and `abort`; results are then partial).
   * @throws {AlreadyStartedError} when called twice
   * @throws {FdLimitError} when this process cannot hold its clients' sockets
   * @throws {EphemeralPortsError} when the clients do not fit in the source addresses' ports
   * @throws {WorkerFailedError} when a worker process cannot start
   */
  start: () => Promise<LoadResult>
  /** Stops sending, says QUIT on every connection and resolves `start()` with partial results. */
  stop: (reason?: string) => void
}

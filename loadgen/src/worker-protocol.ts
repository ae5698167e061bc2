/**
 * Messages between the process that runs `--workers N` and its worker processes (Node IPC,
 * `serialization: 'advanced'`, so plain objects cross as they are).
 *
 *   parent ─start──▶ worker            worker ─event──▶ parent   (connected, joined, tick, …)
 *   parent ◀─sync── worker             parent ─sync-ok─▶ worker  (per-room sums, per barrier)
 *   parent ─stop───▶ worker            worker ─result─▶ parent   (its LoadResult) | failed
 */
import type { BarrierName, RoomCounts } from './coordinator.js'
import type { LoadEvents } from './load-events.js'
import type { ResolvedLoadOptions } from './load-options.js'
import type { LoadResult } from './load-result.js'

export interface WorkerStart {
  type: 'start'
  options: ResolvedLoadOptions
  worker: number
  slice: { start: number, end: number }
  epochMs: number
  /** Connections per second this worker opens (its share of the run's connectRate). */
  rampRate: number
}

export type ParentMessage =
  | WorkerStart
  | { type: 'sync-ok', barrier: BarrierName, counts: RoomCounts }
  | { type: 'stop', reason: string }

/** Events a worker forwards: every engine event except `done` (the result travels alone). */
export type ForwardedEvent = Exclude<keyof LoadEvents, 'done'>

export type WorkerMessage =
  | { [K in ForwardedEvent]: { type: 'event', name: K, payload: LoadEvents[K][0] } }[ForwardedEvent]
  | { type: 'sync', barrier: BarrierName, counts: RoomCounts }
  | { type: 'result', result: LoadResult }
  | { type: 'failed', code: string, message: string }

/** Engine events a worker forwards to its parent. */
export const FORWARDED_EVENTS: readonly ForwardedEvent[] = ['phase', 'connected', 'joined', 'client-error', 'barrier', 'tick']

/**
 * The soak orchestrator's typed events. A display subscribes to them (the CLI draws progress
 * from them); the orchestrator itself never prints.
 */
import type { HeapProgressEvent } from '../../diagnosis/src/heap/compare-heap-snapshot-files.js'
import type { SettleSample } from '../../diagnosis/src/settle.js'
import type { TargetExit } from '../../diagnosis/src/target/target-process.js'
import type { LoadSummary } from '../../load/src/driver-result.js'
import type { LoadDriver } from '../../load/src/load-driver.js'

/** Phases in the order they run; load, settle, inventory and snapshot repeat per round. */
export type SoakPhaseName =
  | 'start target' | 'connect inspector' | 'warm-up' | 'baseline'
  | 'load' | 'settle' | 'inventory' | 'snapshot' | 'heap comparison' | 'final inventory' | 'stop target'

export interface SoakPhaseEvent {
  name: SoakPhaseName
  /** 0 for the warm-up and the baseline, k for measured round k; null outside rounds. */
  round: number | null
}

export interface TargetReadyEvent {
  mode: 'bundled' | 'command' | 'attach'
  /** Null for an attached process. */
  command: string | null
  /** The command's own process (a wrapper such as npm), or the attached one. */
  pid: number | null
  /** The diagnosed processes: the server, or a cluster's workers. */
  processes: Array<{ pid: number, role: 'process' | 'worker', devtoolsUrl: string }>
  /** The first diagnosed process's inspector. */
  devtoolsUrl: string
  host: string
  port: number
}

export interface SoakEvents {
  phase: [SoakPhaseEvent]
  'target-ready': [TargetReadyEvent]
  /** A round's load driver, before it starts: subscribe to its `tick`s for live progress. */
  'load-start': [{ round: number, driver: LoadDriver }]
  'load-done': [{ round: number, summary: LoadSummary }]
  'settle-sample': [{ round: number, sample: SettleSample }]
  'snapshot-progress': [{ phase: string, done: number, total: number }]
  /** A capture file written: a heap snapshot, a CPU or heap profile. */
  capture: [{ kind: 'heap snapshot' | 'cpu profile' | 'heap profile', path: string, bytes: number, ms: number }]
  'heap-progress': [HeapProgressEvent]
  /** The target exited; `expected: false` is a crash. */
  'target-exit': [TargetExit]
  /** Something that makes the evidence less certain; also recorded in the report. */
  warning: [string]
}

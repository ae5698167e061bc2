/**
 * The soak report: one versioned, JSON-able document holding every number the console tables,
 * report.md and the JUnit file show, so that renderers only format and never compute.
 * `buildReport` turns the orchestrator's observations into it: handle diff, lifecycle match
 * and verdict are computed here, once. Pure.
 *
 * Schema changes: add optional fields freely; anything else bumps REPORT_SCHEMA.
 */
import type { Inventory } from '../../diagnosis/src/hooks/inventory.js'
import type { CountRow, LeakGroup } from '../../diagnosis/src/inventory-diff.js'
import { diffInventories } from '../../diagnosis/src/inventory-diff.js'
import type { LifecycleEvent } from '../../diagnosis/src/lifecycle-event.js'
import type { ClientLifecycle, LifecycleMatch } from '../../diagnosis/src/lifecycle-match.js'
import { matchLifecycle } from '../../diagnosis/src/lifecycle-match.js'
import type { HeapFinding, Verdict } from '../../diagnosis/src/verdict.js'
import { decideVerdict } from '../../diagnosis/src/verdict.js'
import type { VerdictConfig } from '../../diagnosis/src/verdict-config.js'
import type { HeapComparison, RetainerPathEvidence } from '../../diagnosis/src/heap/heap-comparison.js'
import { heapClassOf, heapFindings } from './heap-evidence.js'

export const REPORT_SCHEMA = 'soakwatch.report/1'

/** Load numbers for one round or the whole run (from the loadgen's result). */
export interface LoadSummary {
  clients: number
  connected: number
  messagesSent: number
  /** Deliveries the fan-out should have produced. */
  expected: number
  delivered: number
  lost: number
  /** lost / expected, 0 when nothing was expected. */
  lossRatio: number
  latencyMs: { p50: number, p99: number, max: number }
  durationMs: number
}

export interface SettleRecord {
  stable: boolean
  samples: number
  elapsedMs: number
}

export interface RoundRecord {
  /** 0 is the warm-up; measured rounds count from 1. */
  round: number
  load: LoadSummary | null
  settle: SettleRecord | null
  usedHeapAfterGcBytes: number | null
  /** process.getActiveResourcesInfo() counts after settling. */
  activeResources: Record<string, number>
  snapshot: string | null
}

export interface ReportEnvironment {
  node: string
  v8: string
  platform: string
  release: string
  arch: string
  cpuModel: string
  cores: number
}

export interface ReportTarget {
  mode: 'bundled' | 'command' | 'attach'
  command: string | null
  devtoolsUrl: string | null
  pid: number | null
  exit: { code: number | null, signal: string | null, expected: boolean, stderrTail: string[] } | null
}

export interface ReportError {
  code: string
  message: string
}

export type Outcome = 'clean' | 'leak' | 'error'

/**
 * A leaked-resource group with what the heap says about it: the JS class of its handles'
 * objects and the retainer paths of that class's survivors (empty without a heap comparison).
 */
export interface LeakedResources extends LeakGroup {
  heapClass: string | null
  retainerPaths: RetainerPathEvidence[]
}

export interface SoakReport {
  schema: typeof REPORT_SCHEMA
  runId: string
  startedAt: string
  finishedAt: string
  durationMs: number
  /** `error` when the run could not finish (harness or target failure, interruption). */
  outcome: Outcome
  /** True when the run stopped early; numbers cover what was observed until then. */
  partial: boolean
  interruption: string | null
  environment: ReportEnvironment
  target: ReportTarget
  /** The options the soak ran with, as given. */
  settings: Record<string, string | number | boolean | null>
  /** All measured rounds together. */
  load: LoadSummary | null
  rounds: RoundRecord[]
  handles: { rows: CountRow[], leaked: LeakedResources[], hooksFailure: string | null } | null
  lifecycle: LifecycleMatch | null
  heap: {
    usedAfterGc: Array<{ phase: string, bytes: number }>
    snapshots: Array<{ phase: string, path: string, bytes: number }>
    findings: HeapFinding[] | null
    /** The whole comparison (docs/heap.md): suspects, survivors per round, retainer paths, class growth. */
    comparison: HeapComparison | null
  }
  verdict: Verdict
  /** Where the run's time went; `harnessMs` is everything but the load phases. */
  timings: { totalMs: number, loadMs: number, harnessMs: number, phases: Array<{ name: string, ms: number }> }
  files: { report: string, markdown: string, junit: string | null, profiles: string[] }
  errors: ReportError[]
}

/** What the orchestrator observed; everything optional that a failed run may lack. */
export interface Observations {
  runId: string
  startedAtMs: number
  finishedAtMs: number
  environment: ReportEnvironment
  target: ReportTarget
  settings: SoakReport['settings']
  rounds: RoundRecord[]
  /** All measured rounds together, merged exactly from the loadgen's encoded histograms. */
  load?: LoadSummary
  baseline?: Inventory
  end?: Inventory
  /** Settle result of the final inventory. */
  settled?: boolean
  /** Loadgen client records of the measured rounds; absent when the load never ran. */
  clients?: readonly ClientLifecycle[]
  /** The server's lifecycle events (bundled server only). */
  serverEvents?: readonly LifecycleEvent[]
  /** Findings for the verdict; derived from `heapComparison` when absent. */
  heapFindings?: readonly HeapFinding[]
  heapComparison?: HeapComparison
  snapshots: SoakReport['heap']['snapshots']
  phases: SoakReport['timings']['phases']
  files: SoakReport['files']
  errors: ReportError[]
  interruption?: string
  /** What makes the evidence less certain, from the orchestrator (e.g. a lifecycle log that lagged). */
  warnings?: readonly string[]
  verdictConfig: VerdictConfig
}

/** Builds the report; the verdict is decided here from the observations. */
export function buildReport (o: Observations): SoakReport {
  const diff = o.baseline !== undefined && o.end !== undefined ? diffInventories(o.baseline, o.end) : undefined
  const lifecycle = o.clients !== undefined ? matchLifecycle(o.clients, o.serverEvents) : undefined
  const comparison = o.heapComparison
  const findings = o.heapFindings ?? (comparison === undefined ? undefined : heapFindings(comparison))
  const verdict = decideVerdict({
    handles: diff,
    lifecycle,
    heap: findings,
    settled: o.settled,
    hooksFailure: o.end?.hooks.failure ?? null
  }, o.verdictConfig)
  verdict.warnings.push(...(o.warnings ?? []))
  const leaked = diff?.leaked.map((g): LeakedResources => {
    const heapClass = heapClassOf(g)
    return { ...g, heapClass, retainerPaths: heapClass === null ? [] : comparison?.retainersByClass[heapClass] ?? [] }
  })
  const loadMs = o.phases.filter((p) => p.name.startsWith('load')).reduce((n, p) => n + p.ms, 0)
  const totalMs = o.finishedAtMs - o.startedAtMs
  const partial = o.interruption !== undefined || o.errors.length > 0
  return {
    schema: REPORT_SCHEMA,
    runId: o.runId,
    startedAt: new Date(o.startedAtMs).toISOString(),
    finishedAt: new Date(o.finishedAtMs).toISOString(),
    durationMs: totalMs,
    // A leak seen before a failure is still reported as evidence, but the run did not finish.
    outcome: partial ? 'error' : verdict.leak ? 'leak' : 'clean',
    partial,
    interruption: o.interruption ?? null,
    environment: o.environment,
    target: o.target,
    settings: o.settings,
    load: o.load ?? null,
    rounds: o.rounds,
    handles: diff === undefined ? null : { rows: diff.rows, leaked: leaked ?? [], hooksFailure: o.end?.hooks.failure ?? null },
    lifecycle: lifecycle ?? null,
    heap: {
      // Round 0's heap is measured after the warm-up has settled: that is the baseline.
      usedAfterGc: o.rounds.filter((r) => r.usedHeapAfterGcBytes !== null).map((r) => ({ phase: r.round === 0 ? 'baseline' : roundName(r.round), bytes: r.usedHeapAfterGcBytes ?? 0 })),
      snapshots: o.snapshots,
      findings: findings === undefined ? null : [...findings],
      comparison: comparison ?? null
    },
    verdict,
    timings: { totalMs, loadMs, harnessMs: totalMs - loadMs, phases: o.phases },
    files: o.files,
    errors: o.errors
  }
}

/** `warm-up`, `round 1`, … */
export function roundName (round: number): string {
  return round === 0 ? 'warm-up' : `round ${round}`
}

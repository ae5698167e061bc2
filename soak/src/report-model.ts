/**
 * The soak report: one versioned, JSON-able document holding every number the console tables,
 * report.md and the JUnit file show, so that renderers only format and never compute.
 * `buildReport` turns the orchestrator's observations into it: handle diffs, lifecycle match,
 * the load floor and the verdict are computed here, once. Pure.
 *
 * Several processes (a cluster's workers) are diagnosed apart — async ids and heap ids only
 * compare within a process — and judged together: `processes[]` holds each one's handles and
 * heap comparison; `handles` and `heap` are their merged view, the verdict's input.
 *
 * Schema changes: add optional fields freely; anything else bumps REPORT_SCHEMA.
 * /2: the load is protocol-neutral (`load/src/driver-result.ts`), per-process sections, the
 * target's process tree, the load floor and the `inconclusive` outcome.
 */
import type { Inventory } from '../../diagnosis/src/hooks/inventory.js'
import type { CountRow, LeakGroup } from '../../diagnosis/src/inventory-diff.js'
import { diffInventories, mergeHandleDiffs } from '../../diagnosis/src/inventory-diff.js'
import type { LifecycleEvent } from '../../diagnosis/src/lifecycle-event.js'
import type { ClientLifecycle, LifecycleMatch } from '../../diagnosis/src/lifecycle-match.js'
import { matchLifecycle } from '../../diagnosis/src/lifecycle-match.js'
import type { TreeMember } from '../../diagnosis/src/target/serving-processes.js'
import type { HeapFinding, Verdict } from '../../diagnosis/src/verdict.js'
import { decideVerdict } from '../../diagnosis/src/verdict.js'
import type { VerdictConfig } from '../../diagnosis/src/verdict-config.js'
import type { HeapComparison, RetainerPathEvidence } from '../../diagnosis/src/heap/heap-comparison.js'
import type { LoadSummary } from '../../load/src/driver-result.js'
import type { LoadProtocol } from '../../load/src/load-driver.js'
import { checkLoadFloor } from '../../load/src/load-floor.js'
import type { FloorResult } from '../../load/src/load-floor.js'
import { heapClassOf, heapFindings } from './heap-evidence.js'

export type { LoadSummary }

export const REPORT_SCHEMA = 'soakwatch.report/2'

export interface SettleRecord {
  stable: boolean
  samples: number
  elapsedMs: number
}

export interface RoundRecord {
  /** 0 is the warm-up; measured rounds count from 1. */
  round: number
  load: LoadSummary | null
  /** Whether the round's load reached the target (measured rounds; null for the warm-up). */
  floor?: FloorResult | null
  settle: SettleRecord | null
  /** Summed over the diagnosed processes. */
  usedHeapAfterGcBytes: number | null
  /** process.getActiveResourcesInfo() counts after settling, summed over the processes. */
  activeResources: Record<string, number>
  /** The round's heap snapshots, one per diagnosed process. */
  snapshots: string[]
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
  /** The first diagnosed process's inspector. */
  devtoolsUrl: string | null
  /** The command's own process (a wrapper such as npm), or the attached one. */
  pid: number | null
  exit: { code: number | null, signal: string | null, expected: boolean, stderrTail: string[] } | null
  /** Every hooked Node process of the target's tree, and what it turned out to be (empty for --attach). */
  tree: TreeMember[]
}

export interface ReportError {
  code: string
  message: string
}

/** `inconclusive`: the load did not reach the target, so a clean result proves nothing (exit 2). */
export type Outcome = 'clean' | 'leak' | 'inconclusive' | 'error'

/**
 * A leaked-resource group with what the heap says about it: the JS class of its handles'
 * objects and the retainer paths of that class's survivors (empty without a heap comparison).
 */
export interface LeakedResources extends LeakGroup {
  heapClass: string | null
  retainerPaths: RetainerPathEvidence[]
}

/** One diagnosed process: what it is, its handles, its heap. */
export interface ReportProcess {
  pid: number
  role: 'process' | 'worker'
  argv: string[]
  devtoolsUrl: string
  /** Connections it accepted on the target's port in each measured round (its share of the load). */
  acceptedByRound: number[] | null
  handles: { rows: CountRow[], leaked: LeakedResources[], hooksFailure: string | null } | null
  heap: {
    usedAfterGc: Array<{ phase: string, bytes: number }>
    snapshots: Array<{ phase: string, path: string, bytes: number }>
    findings: HeapFinding[] | null
    /** The whole comparison (docs/heap.md): suspects, survivors per round, retainer paths, class growth. */
    comparison: HeapComparison | null
  }
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
  protocol: LoadProtocol
  /** All measured rounds together. */
  load: LoadSummary | null
  rounds: RoundRecord[]
  /** The diagnosed processes, each on its own. */
  processes: ReportProcess[]
  /** Every process's handles together: counts summed, leaked groups with their pid. */
  handles: { rows: CountRow[], leaked: LeakedResources[], hooksFailure: string | null } | null
  lifecycle: LifecycleMatch | null
  /** Every process's heap together; the comparisons are per process. */
  heap: {
    usedAfterGc: Array<{ phase: string, bytes: number }>
    snapshots: Array<{ phase: string, path: string, bytes: number, pid: number }>
    findings: HeapFinding[] | null
  }
  verdict: Verdict
  /** Where the run's time went; `harnessMs` is everything but the measured rounds' load. */
  timings: { totalMs: number, loadMs: number, harnessMs: number, phases: Array<{ name: string, ms: number, load?: boolean }> }
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
  protocol: LoadProtocol
  rounds: RoundRecord[]
  /** All measured rounds together, merged exactly from the drivers' encoded histograms. */
  load?: LoadSummary
  /** The diagnosed processes (none when the run failed before connecting). */
  processes: ProcessObservation[]
  /** Settle result of the final inventory. */
  settled?: boolean
  /** Client records of the measured rounds (IRC); absent when the load never ran or keeps none. */
  clients?: readonly ClientLifecycle[]
  /** The server's lifecycle events (bundled server, or --lifecycle-log). */
  serverEvents?: readonly LifecycleEvent[]
  phases: SoakReport['timings']['phases']
  files: SoakReport['files']
  errors: ReportError[]
  interruption?: string
  /** What makes the evidence less certain, from the orchestrator (e.g. a lifecycle log that lagged). */
  warnings?: readonly string[]
  verdictConfig: VerdictConfig
}

/** What was observed of one diagnosed process. */
export interface ProcessObservation {
  pid: number
  role: 'process' | 'worker'
  argv: string[]
  devtoolsUrl: string
  /** The target's port: each inventory's count of connections accepted on it gives the process's share. */
  port: number
  baseline?: Inventory
  /** The inventory after each measured round, in order; the last is the end. */
  ends: Inventory[]
  usedAfterGc: Array<{ phase: string, bytes: number }>
  snapshots: Array<{ phase: string, path: string, bytes: number }>
  heapComparison?: HeapComparison
  /** Findings for the verdict; derived from `heapComparison` when absent (tests). */
  heapFindings?: readonly HeapFinding[]
}

/** Builds the report; the verdict is decided here from the observations. */
export function buildReport (o: Observations): SoakReport {
  const processes = o.processes.map(processReport)
  const diffs = o.processes.flatMap((p) => {
    const end = p.ends.at(-1)
    return p.baseline !== undefined && end !== undefined ? [diffInventories(p.baseline, end)] : []
  })
  // Every process or none: a verdict on some workers only is not a verdict on the target.
  const diff = diffs.length > 0 && diffs.length === o.processes.length ? mergeHandleDiffs(diffs) : undefined
  const lifecycle = o.clients !== undefined ? matchLifecycle(o.clients, o.serverEvents) : undefined
  const compared = processes.filter((p) => p.heap.findings !== null)
  const findings = compared.length > 0 && compared.length === processes.length ? processes.flatMap((p) => p.heap.findings ?? []) : undefined
  const hooksFailure = o.processes.map((p) => p.ends.at(-1)?.hooks.failure ?? null).find((f) => f !== null) ?? null
  const rounds = o.rounds.map((r) => r.round === 0 || r.load === null ? r : { ...r, floor: checkLoadFloor(r.load, o.verdictConfig.floor) })
  const partial = o.interruption !== undefined || o.errors.length > 0
  const verdict = decideVerdict({
    handles: diff,
    lifecycle,
    heap: findings,
    settled: o.settled,
    hooksFailure,
    inconclusive: partial ? null : inconclusiveReason(rounds, o.processes)
  }, o.verdictConfig)
  verdict.warnings.push(...(o.warnings ?? []))
  const loadMs = o.phases.filter((p) => p.load === true).reduce((n, p) => n + p.ms, 0)
  const totalMs = o.finishedAtMs - o.startedAtMs
  return {
    schema: REPORT_SCHEMA,
    runId: o.runId,
    startedAt: new Date(o.startedAtMs).toISOString(),
    finishedAt: new Date(o.finishedAtMs).toISOString(),
    durationMs: totalMs,
    // A leak seen before a failure is still reported as evidence, but the run did not finish.
    outcome: partial ? 'error' : verdict.leak ? 'leak' : verdict.inconclusive !== null ? 'inconclusive' : 'clean',
    partial,
    interruption: o.interruption ?? null,
    environment: o.environment,
    target: o.target,
    settings: o.settings,
    protocol: o.protocol,
    load: o.load ?? null,
    rounds,
    processes,
    handles: diff === undefined ? null : { rows: diff.rows, leaked: processes.flatMap((p) => p.handles?.leaked ?? []), hooksFailure },
    lifecycle: lifecycle ?? null,
    heap: {
      // Round 0's heap is measured after the warm-up has settled: that is the baseline.
      usedAfterGc: o.rounds.filter((r) => r.usedHeapAfterGcBytes !== null).map((r) => ({ phase: r.round === 0 ? 'baseline' : roundName(r.round), bytes: r.usedHeapAfterGcBytes ?? 0 })),
      snapshots: o.processes.flatMap((p) => p.snapshots.map((s) => ({ ...s, pid: p.pid }))),
      findings: findings === undefined ? null : [...findings]
    },
    verdict,
    timings: { totalMs, loadMs, harnessMs: totalMs - loadMs, phases: o.phases },
    files: o.files,
    errors: o.errors
  }
}

/** Why a finished run cannot vouch for a clean result, or null: a round's load below the floor, a process never inventoried. */
function inconclusiveReason (rounds: readonly RoundRecord[], processes: readonly ProcessObservation[]): string | null {
  for (const r of rounds) {
    if (r.floor != null && !r.floor.ok) return `${roundName(r.round)}: ${r.floor.shortfall ?? 'the load did not reach the target'}`
  }
  if (processes.length === 0) return 'no process of the target was diagnosed'
  const missing = processes.find((p) => p.baseline === undefined || p.ends.length === 0)
  return missing === undefined ? null : `no ${missing.baseline === undefined ? 'baseline' : 'final'} inventory of pid ${missing.pid}`
}

function processReport (p: ProcessObservation): ReportProcess {
  const end = p.ends.at(-1)
  const diff = p.baseline !== undefined && end !== undefined ? diffInventories(p.baseline, end) : undefined
  const comparison = p.heapComparison
  const findings = p.heapFindings ?? (comparison === undefined ? undefined : heapFindings(comparison).map((f) => ({ ...f, pid: p.pid })))
  const leaked = diff?.leaked.map((g): LeakedResources => {
    const heapClass = heapClassOf(g)
    return { ...g, heapClass, retainerPaths: heapClass === null ? [] : comparison?.retainersByClass[heapClass] ?? [] }
  })
  return {
    pid: p.pid,
    role: p.role,
    argv: p.argv,
    devtoolsUrl: p.devtoolsUrl,
    acceptedByRound: acceptedByRound(p),
    handles: diff === undefined ? null : { rows: diff.rows, leaked: leaked ?? [], hooksFailure: end?.hooks.failure ?? null },
    heap: { usedAfterGc: p.usedAfterGc, snapshots: p.snapshots, findings: findings === undefined ? null : [...findings], comparison: comparison ?? null }
  }
}

/**
 * Connections the process accepted on the target's port in each measured round, from the
 * hooks' counter in consecutive inventories; null when its hooks do not count them.
 */
export function acceptedByRound (p: Pick<ProcessObservation, 'baseline' | 'ends' | 'port'>): number[] | null {
  const at = (i: Inventory | undefined): number | undefined => i?.accepted === undefined ? undefined : i.accepted[String(p.port)] ?? 0
  let previous = at(p.baseline)
  if (previous === undefined) return null
  const out: number[] = []
  for (const end of p.ends) {
    const now = at(end)
    if (now === undefined) return null
    out.push(now - previous)
    previous = now
  }
  return out
}

/** `warm-up`, `round 1`, … */
export function roundName (round: number): string {
  return round === 0 ? 'warm-up' : `round ${round}`
}

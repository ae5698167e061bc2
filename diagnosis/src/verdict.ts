/**
 * The leak verdict: one decision per category (`socket`, `timer`, `lifecycle`, `heap`), each
 * with the evidence behind it, and the overall answer. A category whose input was not measured
 * says so instead of passing: "no heap comparison" is not "no heap leak". Pure.
 *
 * Inconclusive: when the load did not reach the target (below the load floor) or a process has
 * no final inventory, nothing that passed was proven — those categories become `not-measured`
 * with the reason, and the run is inconclusive. A category that failed keeps its failure: a
 * leak seen under a partial load is still a leak (its evidence stands).
 */
import type { HandleDiff, LeakGroup } from './inventory-diff.js'
import type { LifecycleMatch, OpenSession } from './lifecycle-match.js'
import type { VerdictCategory, VerdictConfig } from './verdict-config.js'
import { matchSite } from './verdict-config.js'
import { matchesAllowlist } from './heap/noise.js'

/** A heap suspect, as the heap comparison reports it (filled in by that analysis). */
export interface HeapFinding {
  /** Constructor or node name. */
  label: string
  count: number
  /** Whether the heap analysis considers it a leak (e.g. grows every round). */
  leak: boolean
  /** One line for people: growth per round, bytes per client, retainer path. */
  detail: string
  /** The process it was found in, when several were diagnosed. */
  pid?: number
}

export type CategoryEvidence =
  | { category: 'socket' | 'timer', groups: Array<LeakGroup & { allowedBy: string | null }> }
  | { category: 'lifecycle', mode: LifecycleMatch['mode'], openSessions: OpenSession[], clientsNotClosed: string[] }
  | { category: 'heap', findings: Array<HeapFinding & { allowedBy: string | null }> }

export interface CategoryVerdict {
  category: VerdictCategory
  status: 'pass' | 'fail' | 'not-measured'
  /** Leaks found, before the allowlists. */
  found: number
  /** Of those, allowlisted. */
  allowed: number
  /** found − allowed: what is compared with the threshold. */
  counted: number
  threshold: number
  /** One line, e.g. "5 leaked sockets from 1 creation site (threshold 0)". */
  reason: string
  evidence: CategoryEvidence | null
}

export interface Verdict {
  leak: boolean
  /** Set when passing categories were not judged (see the module header); null otherwise. */
  inconclusive: string | null
  categories: CategoryVerdict[]
  /** One line per failed category; empty when clean. */
  reasons: string[]
  /** Things that make the verdict less certain (unsettled handles, hooks failure). */
  warnings: string[]
}

export interface VerdictInput {
  handles?: HandleDiff
  lifecycle?: LifecycleMatch
  heap?: readonly HeapFinding[]
  /** False when handles were still changing when the final inventory was taken. */
  settled?: boolean
  /** Set when the target's hooks stopped tracking (their failure message). */
  hooksFailure?: string | null
  /** Why the run cannot vouch for a clean result (the load did not reach the target…), or null. */
  inconclusive?: string | null
}

/** Decides the verdict. */
export function decideVerdict (input: VerdictInput, config: VerdictConfig): Verdict {
  const inconclusive = input.inconclusive ?? null
  const categories = [
    resourceVerdict('socket', input.handles, config),
    resourceVerdict('timer', input.handles, config),
    lifecycleVerdict(input.lifecycle, config),
    heapVerdict(input.heap, config)
  ].map((c) => inconclusive !== null && c.status === 'pass' ? { ...c, status: 'not-measured' as const, reason: `not judged: ${inconclusive}` } : c)
  const warnings: string[] = []
  if (input.settled === false) warnings.push('handle counts were still changing when the final inventory was taken; raise the settle timeout or add rounds')
  if (input.hooksFailure !== undefined && input.hooksFailure !== null) warnings.push(`the target hooks stopped tracking: ${input.hooksFailure}`)
  if (input.lifecycle?.mode === 'client-only') warnings.push('lifecycle accounted on the client side only (the target logs no lifecycle events)')
  const failed = categories.filter((c) => c.status === 'fail')
  if (inconclusive !== null && failed.length > 0) warnings.push(`the load fell short (${inconclusive}); the leaks found stand, the other categories were not judged`)
  return { leak: failed.length > 0, inconclusive, categories, reasons: failed.map((c) => `${c.category}: ${c.reason}`), warnings }
}

function resourceVerdict (category: 'socket' | 'timer', handles: HandleDiff | undefined, config: VerdictConfig): CategoryVerdict {
  const threshold = config.thresholds[category]
  if (handles === undefined) return notMeasured(category, threshold, 'no inventories to compare')
  // Servers are listening sockets: a leaked server is judged with the sockets.
  const kinds = category === 'socket' ? ['socket', 'server'] : ['timer']
  const groups = handles.leaked.filter((g) => kinds.includes(g.kind)).map((g) => ({
    ...g,
    allowedBy: allowedBy(g, config)
  }))
  const found = groups.reduce((n, g) => n + g.count, 0)
  const allowed = groups.reduce((n, g) => n + (g.allowedBy === null ? 0 : g.count), 0)
  const counted = found - allowed
  const sites = new Set(groups.filter((g) => g.allowedBy === null).map((g) => g.site)).size
  const noun = category === 'socket' ? 'socket' : 'timer'
  const reason = counted === 0
    ? `no leaked ${noun}s${allowed > 0 ? ` (${allowed} allowlisted)` : ''}`
    : `${counted} leaked ${noun}${counted === 1 ? '' : 's'} from ${sites} creation site${sites === 1 ? '' : 's'}${allowed > 0 ? ` (${allowed} more allowlisted)` : ''}, threshold ${threshold}`
  return { category, status: counted > threshold ? 'fail' : 'pass', found, allowed, counted, threshold, reason, evidence: { category, groups } }
}

function lifecycleVerdict (lifecycle: LifecycleMatch | undefined, config: VerdictConfig): CategoryVerdict {
  const threshold = config.thresholds.lifecycle
  if (lifecycle === undefined) return notMeasured('lifecycle', threshold, 'no client lifecycle records')
  // Server-side accounting when available; otherwise, clients that never saw their connection close.
  const found = lifecycle.mode === 'matched' ? lifecycle.openSessions.length : lifecycle.clientsNotClosed.length
  const what = lifecycle.mode === 'matched' ? 'session' : 'client connection'
  const reason = found === 0
    ? (lifecycle.mode === 'matched' ? 'every session the server opened was closed' : 'every client connection closed')
    : `${found} ${what}${found === 1 ? '' : 's'} opened and never closed${lifecycle.mode === 'matched' ? ' by the server' : ''}, threshold ${threshold}`
  return {
    category: 'lifecycle',
    status: found > threshold ? 'fail' : 'pass',
    found,
    allowed: 0,
    counted: found,
    threshold,
    reason,
    evidence: { category: 'lifecycle', mode: lifecycle.mode, openSessions: lifecycle.openSessions, clientsNotClosed: lifecycle.clientsNotClosed }
  }
}

function heapVerdict (heap: readonly HeapFinding[] | undefined, config: VerdictConfig): CategoryVerdict {
  const threshold = config.thresholds.heap
  if (heap === undefined) return notMeasured('heap', threshold, 'no heap comparison in this run')
  // Same rule as the heap comparison's own allowlist: exact, or `*` wildcards.
  const findings = heap.filter((f) => f.leak).map((f) => ({ ...f, allowedBy: config.allow.constructors.find((c) => matchesAllowlist(f.label, [c])) ?? null }))
  const found = findings.length
  const allowed = findings.filter((f) => f.allowedBy !== null).length
  const counted = found - allowed
  const reason = counted === 0
    ? `no growing heap constructors${allowed > 0 ? ` (${allowed} allowlisted)` : ''}`
    : `${counted} heap constructor${counted === 1 ? '' : 's'} growing: ${[...new Set(findings.filter((f) => f.allowedBy === null).map((f) => f.label))].slice(0, 3).join(', ')}, threshold ${threshold}`
  return { category: 'heap', status: counted > threshold ? 'fail' : 'pass', found, allowed, counted, threshold, reason, evidence: { category: 'heap', findings } }
}

function allowedBy (group: LeakGroup, config: VerdictConfig): string | null {
  if (config.allow.types.includes(group.type)) return `type ${group.type}`
  if (config.allow.types.includes(group.kind)) return `type ${group.kind}`
  const site = matchSite(group.site, config.allow.sites)
  return site === undefined ? null : `site ${site}`
}

function notMeasured (category: VerdictCategory, threshold: number, why: string): CategoryVerdict {
  return { category, status: 'not-measured', found: 0, allowed: 0, counted: 0, threshold, reason: why, evidence: null }
}

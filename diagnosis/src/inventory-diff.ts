/**
 * Handle diff: which resources are alive at the end that were not alive at the baseline,
 * grouped by kind, type and creation site, plus per-type counts from both sources.
 *
 * Identity is the async_hooks id: unique and never reused within one process, so "in the end
 * inventory, not in the baseline" means "created after the baseline and still alive". Pure.
 */
import { InventoryMismatchError } from './errors.js'
import type { Inventory, LiveResource, ResourceKind, SiteSource, SocketAddress } from './hooks/inventory.js'

/** Resources created after the baseline and alive at the end that share kind, type and site. */
export interface LeakGroup {
  /** The process they live in. */
  pid: number
  kind: ResourceKind
  type: string
  site: string | null
  siteSource: SiteSource
  siteInDependency: boolean
  count: number
  /** How many of them keep the event loop alive (unref'd timers are leaks too, but quieter). */
  refed: number
  /** Up to `sampleSize` members, oldest first. */
  sample: LeakSample[]
}

export interface LeakSample {
  id: number
  local?: SocketAddress
  remote?: SocketAddress
  delayMs?: number
  repeatMs?: number | null
  createdAtMs: number
}

/** One row of "baseline vs end" counts. */
export interface CountRow {
  /** `active`: process.getActiveResourcesInfo() type (ref'd only); `tracked`: the hooks' registry (async_hooks type). */
  source: 'active' | 'tracked'
  type: string
  baseline: number
  end: number
  delta: number
}

export interface HandleDiff {
  pid: number
  rows: CountRow[]
  leaked: LeakGroup[]
  /** Leaked resource counts per kind (all groups). */
  leakedByKind: Record<ResourceKind, number>
}

export interface DiffOptions {
  /** Members listed per group (default 10); counts always cover all of them. */
  sampleSize?: number
}

/**
 * Compares two inventories of the same process.
 * @throws {InventoryMismatchError} when they come from different processes
 */
export function diffInventories (baseline: Inventory, end: Inventory, options: DiffOptions = {}): HandleDiff {
  if (baseline.pid !== end.pid) throw new InventoryMismatchError({ baselinePid: baseline.pid, endPid: end.pid })
  const sampleSize = options.sampleSize ?? 10
  const before = new Set(baseline.resources.map((r) => r.id))
  const groups = new Map<string, LeakGroup>()
  const leakedByKind: Record<ResourceKind, number> = { socket: 0, server: 0, timer: 0, immediate: 0, other: 0 }
  const fresh = end.resources.filter((r) => !before.has(r.id)).sort((a, b) => a.createdAtMs - b.createdAtMs || a.id - b.id)
  for (const resource of fresh) {
    const key = `${resource.kind}\u0000${resource.type}\u0000${resource.site ?? ''}`
    let group = groups.get(key)
    if (group === undefined) {
      group = {
        pid: end.pid,
        kind: resource.kind,
        type: resource.type,
        site: resource.site,
        siteSource: resource.siteSource,
        siteInDependency: resource.siteInDependency,
        count: 0,
        refed: 0,
        sample: []
      }
      groups.set(key, group)
    }
    group.count++
    if (resource.refed === true) group.refed++
    if (group.sample.length < sampleSize) group.sample.push(sampleOf(resource))
    leakedByKind[resource.kind]++
  }
  const leaked = [...groups.values()].sort((a, b) => b.count - a.count || (a.site ?? '').localeCompare(b.site ?? ''))
  return {
    pid: end.pid,
    rows: [
      ...countRows('active', baseline.activeResources, end.activeResources),
      ...countRows('tracked', countTypes(baseline.resources), countTypes(end.resources))
    ],
    leaked,
    leakedByKind
  }
}

/**
 * The diffs of several processes (a cluster's workers) as one: counts summed per source and
 * type, leaked groups side by side (each keeps its pid), largest first.
 */
export function mergeHandleDiffs (diffs: readonly HandleDiff[]): HandleDiff {
  const first = diffs[0]
  if (first === undefined) throw new Error('mergeHandleDiffs needs at least one diff')
  if (diffs.length === 1) return first
  const rows = new Map<string, CountRow>()
  const leakedByKind: Record<ResourceKind, number> = { socket: 0, server: 0, timer: 0, immediate: 0, other: 0 }
  for (const d of diffs) {
    for (const r of d.rows) {
      const key = `${r.source}\u0000${r.type}`
      const prev = rows.get(key)
      rows.set(key, prev === undefined ? { ...r } : { ...prev, baseline: prev.baseline + r.baseline, end: prev.end + r.end, delta: prev.delta + r.delta })
    }
    for (const [kind, n] of Object.entries(d.leakedByKind)) leakedByKind[kind as ResourceKind] += n
  }
  const leaked = diffs.flatMap((d) => d.leaked).sort((a, b) => b.count - a.count || (a.site ?? '').localeCompare(b.site ?? '') || a.pid - b.pid)
  // The order diffInventories gives: active rows, then tracked ones, each by type.
  const order = (r: CountRow): string => `${r.source === 'active' ? 0 : 1}${r.type}`
  return { pid: first.pid, rows: [...rows.values()].sort((a, b) => order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0), leaked, leakedByKind }
}

/** Live registry resources counted by async_hooks type. */
export function countTypes (resources: readonly LiveResource[]): Record<string, number> {
  const counts: Record<string, number> = {}
  for (const r of resources) counts[r.type] = (counts[r.type] ?? 0) + 1
  return counts
}

function countRows (source: CountRow['source'], baseline: Record<string, number>, end: Record<string, number>): CountRow[] {
  const types = [...new Set([...Object.keys(baseline), ...Object.keys(end)])].sort()
  return types.map((type) => {
    const b = baseline[type] ?? 0
    const e = end[type] ?? 0
    return { source, type, baseline: b, end: e, delta: e - b }
  })
}

function sampleOf (r: LiveResource): LeakSample {
  const s: LeakSample = { id: r.id, createdAtMs: r.createdAtMs }
  if (r.local !== undefined) s.local = r.local
  if (r.remote !== undefined) s.remote = r.remote
  if (r.delayMs !== undefined) s.delayMs = r.delayMs
  if (r.repeatMs !== undefined) s.repeatMs = r.repeatMs
  return s
}

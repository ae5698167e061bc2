/**
 * Joins the heap comparison to the rest of the soak's evidence: its suspects become the
 * verdict's `heap` findings, and a leaked handle is linked to the JS class that wraps it in
 * the heap, so that its creation site (from the hooks) can be shown next to what retains its
 * object (from the snapshot). Pure.
 *
 * The link is by class, not by object: a snapshot does not carry async ids, so the retainer
 * paths shown for leaked `TCPWRAP` handles are those of the `Socket` objects allocated during
 * the load and alive at the end — the leaked sockets' own objects among them.
 */
import type { HeapComparison, HeapSuspect } from '../../diagnosis/src/heap/heap-comparison.js'
import type { LeakGroup } from '../../diagnosis/src/inventory-diff.js'
import type { ResourceKind } from '../../diagnosis/src/hooks/inventory.js'
import { HOOKS_KEY } from '../../diagnosis/src/hooks/inventory.js'
import type { HeapFinding } from '../../diagnosis/src/verdict.js'

/** The constructor name V8 gives the JS object of each kind of handle (net.Socket, net.Server, timers). */
const HEAP_CLASS: Readonly<Partial<Record<ResourceKind, string>>> = {
  socket: 'Socket',
  server: 'Server',
  timer: 'Timeout',
  immediate: 'Immediate'
}

/** The heap class of a leaked handle's JS object, or null for kinds without one. */
export function heapClassOf (group: Pick<LeakGroup, 'kind'>): string | null {
  return HEAP_CLASS[group.kind] ?? null
}

/** Classes whose retainer paths the comparison should collect (`pathsFor`), one per leaked kind. */
export function pathsForLeaks (leaked: ReadonlyArray<Pick<LeakGroup, 'kind'>>): string[] {
  return [...new Set(leaked.map(heapClassOf).filter((c): c is string => c !== null))].sort()
}

/**
 * Holders that are the harness's own doing, never the target's leak: the hooks' registry keeps
 * an entry (with its creation site) for every live resource, so the entries of leaked
 * resources survive with them; and with `--enable-source-maps`, Node parses a module's source
 * map (one per module, kept for good) the first time a creation site in that module is
 * formatted — which happens at whichever inventory first meets it.
 */
const HARNESS_HOLDERS: ReadonlyArray<{ marker: string, why: string }> = [
  { marker: `global[Symbol(${HOOKS_KEY})]`, why: "held only by soakwatch's hooks (their record of resources still alive)" },
  { marker: 'source_map_data_private_symbol', why: "held only by Node's source-map cache (one per module, parsed when a creation site is first formatted)" }
]

/** Why every sampled retainer path of the suspect runs through the harness's own holders, or undefined. */
export function harnessHolder (s: HeapSuspect): string | undefined {
  const paths = s.retainerPaths
  if (paths.length === 0 || paths.reduce((n, p) => n + p.count, 0) !== paths[0]?.sampled) return undefined
  const holders = HARNESS_HOLDERS.filter((h) => paths.some((p) => p.path.includes(h.marker)))
  if (!paths.every((p) => holders.some((h) => p.path.includes(h.marker)))) return undefined
  return holders.map((h) => h.why).join('; ')
}

/**
 * The verdict's heap findings: every suspect, a leak only when the comparison says so and
 * what holds it is the target's, not the harness's.
 */
export function heapFindings (comparison: HeapComparison): HeapFinding[] {
  return comparison.suspects.map((s) => {
    const ours = harnessHolder(s)
    return {
      label: s.className,
      count: s.newAlive.count,
      leak: s.verdict === 'leak' && ours === undefined,
      detail: ours === undefined ? suspectDetail(s) : `${ours}: ${suspectDetail(s)}`
    }
  })
}

/** One line: survivors per round, per client, and the first retainer path. */
export function suspectDetail (s: HeapSuspect): string {
  const parts = [`${s.verdict}: ${s.survivorsByRound.map((r) => r.count).join(' / ')} survivors per round`]
  if (s.objectsPerClientPerRound !== null && s.bytesPerClientPerRound !== null) {
    parts.push(`${round2(s.objectsPerClientPerRound)} objects, ${Math.round(s.bytesPerClientPerRound)} B per client per round`)
  }
  const path = s.retainerPaths[0]
  if (path !== undefined) parts.push(`held by ${path.path}`)
  return parts.join('; ')
}

function round2 (n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(2)
}

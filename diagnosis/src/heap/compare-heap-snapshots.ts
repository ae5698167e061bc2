/**
 * Compares a baseline, the snapshots taken after each load round and a final snapshot, and
 * names what leaks: `compareHeapSnapshots` → `HeapComparison` (heap-comparison.ts).
 *
 * The baseline and the rounds are only needed as summaries (snapshot-summary.ts) — pass
 * summaries to keep a single snapshot model in memory; the final snapshot is analysed whole:
 * 1. every snapshot is proven to come from the baseline's process (process-check.ts);
 * 2. objects of the final snapshot with a V8 id above the baseline's highest id were
 *    allocated after the baseline and are alive at the end; the round each was allocated in
 *    follows from the highest id of each round's snapshot;
 * 3. the leak rule (leak-rule.ts) judges each class from its survivors per round;
 * 4. for the top suspects: retained size of the group (dominator tree), the shortest retainer
 *    paths from the GC roots, grouped by how they read.
 */
import type { Amount, ClassGrowth, HeapComparison, HeapSuspect, HeapThresholds, HeapVerdict, PhaseInfo, RetainerPathEvidence, SuspectVerdict } from './heap-comparison.js'
import { DEFAULT_HEAP_THRESHOLDS } from './heap-comparison.js'
import { computeDominators, type Dominators } from './dominators.js'
import { HeapInvalidOptionsError } from './errors.js'
import { HeapSnapshot, NODE_ID, NODE_STRIDE, NODE_TYPE } from './heap-snapshot.js'
import { judgeClass } from './leak-rule.js'
import { matchesAllowlist, noiseReason } from './noise.js'
import { checkSameProcess } from './process-check.js'
import { renderRetainerPath } from './retainer-path.js'
import { findRetainingEdges } from './retaining-edges.js'
import { ScanBudget } from './scan-budget.js'
import { ScratchArrays } from './scratch-arrays.js'
import { edgesNamed, isReachable, pathEdges, shortestPaths, type ShortestPaths } from './shortest-paths.js'
import { classifyNodes } from './node-classes.js'
import { attributeShallowSizes } from './shallow-sizes.js'
import { isHeapObjectType, summarizeHeapSnapshot, type HeapSnapshotSummary, type NodeFacts } from './snapshot-summary.js'

export interface CompareHeapSnapshotsInput {
  baseline: HeapSnapshot | HeapSnapshotSummary
  /** Snapshots taken after each load round, oldest first. */
  rounds?: ReadonlyArray<HeapSnapshot | HeapSnapshotSummary>
  final: HeapSnapshot
  /**
   * Whether the final snapshot closes a load round of its own (taken right after it) rather
   * than a settle phase without load. Default: true when `rounds` is empty (a before/after
   * pair), false otherwise. When `final` is the last element of `rounds`, it is that round.
   */
  finalIsRound?: boolean
  /** Clients per load round: one number for all, or one per round. */
  clientsPerRound?: number | readonly number[]
  /** Class names (`*` wildcards) never reported as leaks. */
  allowlist?: readonly string[]
  thresholds?: Partial<HeapThresholds>
  budget?: ScanBudget
  /** Node facts of `final` when the caller already computed them. */
  finalFacts?: NodeFacts
  /**
   * Classes whose surviving objects' retainer paths are wanted whether or not they are
   * suspects — e.g. `Socket`, `Timeout` for handles the inventory found leaked, so that their
   * creation site (from the hooks) can be shown next to what holds them.
   */
  pathsFor?: readonly string[]
  /**
   * Property names (as V8 writes them; symbol keys read `<symbol desc>`) that retainer paths go
   * through only when nothing else reaches an object. Default: soakwatch's own globals
   * (`Symbol.for('soakwatch.*')`), whose closures reach the target but are not its code.
   */
  lastResortEdges?: RegExp
}

/** soakwatch's globals in a target: the hooks and the stats accessor. */
export const HARNESS_EDGE_NAMES = /^<symbol soakwatch\./

/** Groups whose retained size is computed together in one pass (bits of a Uint32 mask). */
const GROUPS_PER_PASS = 31
/** Members sampled per suspect for retainer paths. */
const PATH_SAMPLE = 64
/** Candidates whose group retained size is computed for ranking (two passes). */
const RANKED_BY_RETAINED = 2 * GROUPS_PER_PASS
/** Rows of the class table. */
const CLASS_ROWS = 20

const SEVERITY: Record<SuspectVerdict, number> = { leak: 0, suspect: 1, bounded: 2, allowlisted: 3 }

/**
 * Compares heap snapshots and names the leaks.
 * @throws {HeapInvalidOptionsError} on inconsistent options (client counts, thresholds)
 * @throws {HeapDifferentProcessError} {@link HeapOutOfOrderError} when ids are not comparable
 * @throws {HeapBudgetExceededError} when the budget runs out
 */
export function compareHeapSnapshots (input: CompareHeapSnapshotsInput): HeapComparison {
  const budget = input.budget ?? new ScanBudget()
  const thresholds = resolveThresholds(input.thresholds)
  const allowlist = [...(input.allowlist ?? [])]
  let rounds = [...(input.rounds ?? [])]
  let finalIsRound = input.finalIsRound ?? rounds.length === 0
  if (rounds.length > 0 && rounds[rounds.length - 1] === input.final) {
    rounds = rounds.slice(0, -1)
    finalIsRound = true
  }
  const summarize = (s: HeapSnapshot | HeapSnapshotSummary): HeapSnapshotSummary => s instanceof HeapSnapshot ? summarizeHeapSnapshot(s, budget) : s
  const baseline = summarize(input.baseline)
  const roundSummaries = rounds.map(summarize)
  const final = input.final
  final.requireEdges('the final snapshot of a comparison')
  const finalSummary = summarizeHeapSnapshot(final, budget)

  // 1. Same process, in order — before any graph work, so that a wrong input fails fast.
  const chain = [baseline, ...roundSummaries, finalSummary]
  let compared = 0
  for (let i = 1; i < chain.length; i++) compared += checkSameProcess(chain[i - 1]!, chain[i]!).compared

  // Round k (1-based) allocated ids in (bounds[k-1], bounds[k]].
  const bounds = [baseline.maxObjectId, ...roundSummaries.map((s) => s.maxObjectId)]
  if (finalIsRound) bounds.push(finalSummary.maxObjectId)
  const loadRounds = bounds.length - 1
  const clients = resolveClients(input.clientsPerRound, loadRounds)

  // The graph work, in this order to keep the peak low: each step takes its node-sized arrays
  // from `scratch` and gives back the temporary ones for the next step.
  const scratch = new ScratchArrays(final.nodeCount)
  const sizes = input.finalFacts?.sizes ?? attributeShallowSizes(final, budget, scratch)
  const retaining = findRetainingEdges(final, budget)
  const dominators = computeDominators(final, retaining, sizes, budget, scratch)
  const paths = shortestPaths(final, retaining, budget, scratch, edgesNamed(final, input.lastResortEdges ?? HARNESS_EDGE_NAMES))
  const facts: NodeFacts = input.finalFacts ?? { classes: classifyNodes(final, { scratch }), sizes }

  // 2. Survivors per class and round.
  const survivors = countSurvivors(final, facts, paths, bounds)

  // 3. The rule, per class.
  const names = facts.classes.names
  const phaseSummaries = [baseline, ...roundSummaries, finalSummary]
  const byPhase = (name: string, key: 'count' | 'selfSize'): number[] => phaseSummaries.map((s) => s.classes[name]?.[key] ?? 0)
  const candidates: Array<{ classId: number, verdict: SuspectVerdict, reason: string }> = []
  for (let c = 0; c < names.length; c++) {
    if (survivors.newAlive[c]!.count === 0 || noiseReason(names[c]!) !== undefined) continue
    const outcome = judgeClass(survivors.byRound[c]!, clients, thresholds)
    if (outcome.verdict === 'none') continue
    const allowed = (outcome.verdict === 'leak' || outcome.verdict === 'suspect') && matchesAllowlist(names[c]!, allowlist)
    candidates.push({
      classId: c,
      verdict: allowed ? 'allowlisted' : outcome.verdict,
      reason: allowed ? `allowlisted (${outcome.reason})` : outcome.reason
    })
  }
  // Rank: severity first, then user classes before V8 ones ("(string)"), then how much the
  // group retains — the class whose objects hold the others (ChatSession over the Sockets
  // and Sets it owns) comes first. Retained sizes cost a pass per 31 classes, so only the
  // largest candidates by self size get one.
  const userFirst = (c: number): number => Number(names[c]!.startsWith('('))
  candidates.sort((a, b) => SEVERITY[a.verdict] - SEVERITY[b.verdict] || survivors.newAlive[b.classId]!.selfSize - survivors.newAlive[a.classId]!.selfSize)
  const ranked = candidates.slice(0, Math.max(thresholds.topSuspects, RANKED_BY_RETAINED))
  const retainedByGroup = groupRetainedSizes(final, facts, dominators, bounds[0]!, ranked.map((s) => s.classId), scratch)
  const retainedOf = new Map(ranked.map((s, g) => [s.classId, retainedByGroup.groups[g]!]))
  ranked.sort((a, b) =>
    SEVERITY[a.verdict] - SEVERITY[b.verdict] ||
    userFirst(a.classId) - userFirst(b.classId) ||
    retainedOf.get(b.classId)! - retainedOf.get(a.classId)!)
  const top = ranked.slice(0, thresholds.topSuspects)

  // 4. Evidence for the top suspects.
  const suspects: HeapSuspect[] = top.map((s) => {
    const name = names[s.classId]!
    const rounds = survivors.byRound[s.classId]!
    const evidence = suspectPaths(final, facts, paths, dominators, bounds[0]!, s.classId, survivors.newAlive[s.classId]!.count, thresholds.pathsPerSuspect)
    return {
      className: name,
      verdict: s.verdict,
      reason: s.reason,
      newAlive: { ...survivors.newAlive[s.classId]!, retainedSize: retainedOf.get(s.classId)! },
      survivorsByRound: rounds,
      countsByPhase: byPhase(name, 'count'),
      selfSizeByPhase: byPhase(name, 'selfSize'),
      objectsPerClientPerRound: perClient(rounds, clients, 'count'),
      bytesPerClientPerRound: perClient(rounds, clients, 'selfSize'),
      retainerPaths: evidence.paths,
      largest: evidence.largest
    }
  })

  const retainersByClass: Record<string, RetainerPathEvidence[]> = {}
  for (const name of input.pathsFor ?? []) {
    const c = names.indexOf(name)
    retainersByClass[name] = c === -1 ? [] : suspectPaths(final, facts, paths, dominators, bounds[0]!, c, survivors.newAlive[c]!.count, thresholds.pathsPerSuspect).paths
  }

  const newAlive: Amount = { count: 0, selfSize: 0 }
  names.forEach((name, c) => {
    if (noiseReason(name) !== undefined) return
    newAlive.count += survivors.newAlive[c]!.count
    newAlive.selfSize += survivors.newAlive[c]!.selfSize
  })
  const verdict: HeapVerdict = suspects.some((s) => s.verdict === 'leak') ? 'leak' : suspects.some((s) => s.verdict === 'suspect') ? 'suspect' : 'clean'
  const phases: PhaseInfo[] = phaseSummaries.map((s, i) => ({
    label: i === 0 ? 'baseline' : i === phaseSummaries.length - 1 ? 'final' : `round ${i}`,
    source: s.source,
    nodeCount: s.nodeCount,
    totalSize: s.totalSize,
    maxObjectId: s.maxObjectId
  }))
  return {
    version: 1,
    verdict,
    headline: headline(verdict, suspects, loadRounds),
    phases,
    loadRounds,
    clientsPerRound: clients,
    processCheck: { compared, mismatched: 0 },
    newAlive: { ...newAlive, retainedSize: retainedByGroup.all },
    suspects,
    classes: classTable(phaseSummaries, names, survivors.newAlive),
    retainersByClass,
    thresholds,
    allowlist
  }
}

function resolveThresholds (given: Partial<HeapThresholds> | undefined): HeapThresholds {
  const t = { ...DEFAULT_HEAP_THRESHOLDS, ...given }
  for (const [key, value] of Object.entries(t)) {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new HeapInvalidOptionsError({ option: `thresholds.${key}`, value, expected: 'a non-negative number' })
    }
  }
  if (t.proportionality > 1) throw new HeapInvalidOptionsError({ option: 'thresholds.proportionality', value: t.proportionality, expected: 'a ratio between 0 and 1' })
  return t
}

function resolveClients (given: number | readonly number[] | undefined, rounds: number): number[] | null {
  if (given === undefined) return null
  const list = typeof given === 'number' ? new Array<number>(rounds).fill(given) : [...given]
  if (list.length !== rounds) throw new HeapInvalidOptionsError({ option: 'clientsPerRound', value: given, expected: `one count per load round (${rounds})` })
  if (list.some((n) => !Number.isInteger(n) || n < 0)) throw new HeapInvalidOptionsError({ option: 'clientsPerRound', value: given, expected: 'non-negative integers' })
  return list
}

interface Survivors {
  /** Per class: survivors of each load round. */
  byRound: Amount[][]
  /** Per class: all objects allocated after the baseline and alive at the end. */
  newAlive: Amount[]
}

/**
 * A node is a survivor when it is a heap object (odd id, see snapshot-summary.ts) newer than
 * the baseline, reachable from the root through retaining edges (unreachable nodes are
 * garbage the GC had not collected yet), and has a size of its own (DevTools semantics).
 * Objects newer than the last round's snapshot (allocated while settling) count in
 * `newAlive` but in no round.
 */
function countSurvivors (final: HeapSnapshot, facts: NodeFacts, paths: ShortestPaths, bounds: readonly number[]): Survivors {
  const classCount = facts.classes.names.length
  const rounds = bounds.length - 1
  const counts = new Float64Array(classCount * (rounds + 1))
  const bytes = new Float64Array(classCount * (rounds + 1))
  const baselineMax = bounds[0]!
  const { nodes, nodeCount } = final
  for (let n = 0, at = 0; n < nodeCount; n++, at += NODE_STRIDE) {
    const id = nodes[at + NODE_ID]!
    if (id <= baselineMax || (id & 1) === 0) continue
    const size = facts.sizes[n]!
    if (size === 0 || !isReachable(paths, n) || !isHeapObjectType(final, nodes[at + NODE_TYPE]!)) continue
    let round = 1
    while (round <= rounds && id > bounds[round]!) round++
    // round - 1 is the 0-based round, or `rounds` for the settle bucket.
    const slot = facts.classes.classOf[n]! * (rounds + 1) + (round - 1)
    counts[slot]!++
    bytes[slot] = bytes[slot]! + size
  }
  const byRound: Amount[][] = []
  const newAlive: Amount[] = []
  for (let c = 0; c < classCount; c++) {
    const list: Amount[] = []
    let count = 0
    let selfSize = 0
    for (let k = 0; k <= rounds; k++) {
      const slot = c * (rounds + 1) + k
      if (k < rounds) list.push({ count: counts[slot]!, selfSize: bytes[slot]! })
      count += counts[slot]!
      selfSize += bytes[slot]!
    }
    byRound.push(list)
    newAlive.push({ count, selfSize })
  }
  return { byRound, newAlive }
}

function isNewObject (final: HeapSnapshot, n: number, baselineMax: number): boolean {
  const id = final.nodeId(n)
  return id > baselineMax && (id & 1) === 1 && isHeapObjectType(final, final.nodeTypeId(n))
}

/**
 * Retained size of each group of new objects (one group per suspect class) and of all new
 * non-internal objects together. A group retains what its members dominate; members
 * dominated by another member of the same group are not counted twice. One sweep in DFS
 * preorder carries, per node, a bit mask of the groups found among its dominators.
 */
function groupRetainedSizes (final: HeapSnapshot, facts: NodeFacts, dominators: Dominators, baselineMax: number, classIds: readonly number[], scratch: ScratchArrays): { groups: number[], all: number } {
  const groups = new Array<number>(classIds.length).fill(0)
  let all = 0
  const names = facts.classes.names
  const internal = names.map((name) => noiseReason(name) !== undefined)
  for (let start = 0; start < Math.max(classIds.length, 1); start += GROUPS_PER_PASS) {
    const batch = classIds.slice(start, start + GROUPS_PER_PASS)
    const groupOfClass = new Int32Array(names.length).fill(-1)
    batch.forEach((c, g) => { groupOfClass[c] = g })
    const ANY = 1 << GROUPS_PER_PASS
    const memberBits = (n: number): number => {
      if (!isNewObject(final, n, baselineMax) || facts.sizes[n] === 0) return 0
      const c = facts.classes.classOf[n]!
      const g = groupOfClass[c]!
      return (g === -1 ? 0 : 1 << g) | (internal[c] === true ? 0 : ANY)
    }
    const mask = scratch.take()
    const { preorder, idom, retained } = dominators
    for (let i = 1; i < preorder.length; i++) {
      const n = preorder[i]!
      const d = idom[n]!
      mask[n] = (mask[d]! | memberBits(d)) >>> 0
      const own = memberBits(n)
      if (own === 0) continue
      const g = groupOfClass[facts.classes.classOf[n]!]!
      if (g !== -1 && (mask[n]! & (1 << g)) === 0) groups[start + g] = groups[start + g]! + retained[n]!
      if (start === 0 && (own & ANY) !== 0 && (mask[n]! & ANY) === 0) all += retained[n]!
    }
    scratch.give(mask)
  }
  return { groups, all }
}

/** Sampled retainer paths of a suspect's new objects, grouped by their rendering. */
function suspectPaths (final: HeapSnapshot, facts: NodeFacts, paths: ShortestPaths, dominators: Dominators, baselineMax: number, classId: number, members: number, keep: number): { paths: RetainerPathEvidence[], largest: HeapSuspect['largest'] } {
  const stride = Math.max(1, Math.floor(members / PATH_SAMPLE))
  const groups = new Map<string, RetainerPathEvidence>()
  let seen = 0
  let sampled = 0
  let largest: HeapSuspect['largest'] = null
  for (let n = 0; n < final.nodeCount; n++) {
    if (facts.classes.classOf[n] !== classId || facts.sizes[n] === 0 || !isReachable(paths, n) || !isNewObject(final, n, baselineMax)) continue
    const retained = dominators.retained[n]!
    if (largest === null || retained > largest.retainedSize) largest = { id: final.nodeId(n), retainedSize: retained }
    if (seen++ % stride !== 0 || sampled >= PATH_SAMPLE) continue
    sampled++
    const rendered = renderRetainerPath(final, facts.classes, pathEdges(final, paths, n))
    const group = groups.get(rendered.text)
    if (group === undefined) groups.set(rendered.text, { path: rendered.text, count: 1, sampled: 0, ids: rendered.ids })
    else group.count++
  }
  const sorted = [...groups.values()].sort((a, b) => b.count - a.count).slice(0, keep)
  for (const g of sorted) g.sampled = sampled
  return { paths: sorted, largest }
}

function perClient (rounds: readonly Amount[], clients: readonly number[] | null, key: 'count' | 'selfSize'): number | null {
  if (clients === null) return null
  const loaded = rounds.map((r, k) => clients[k]! > 0 ? r[key] / clients[k]! : undefined).filter((v): v is number => v !== undefined)
  return loaded.length === 0 ? null : loaded.reduce((a, b) => a + b, 0) / loaded.length
}

function classTable (phases: readonly HeapSnapshotSummary[], names: readonly string[], newAlive: readonly Amount[]): ClassGrowth[] {
  const all = new Set<string>()
  for (const p of phases) for (const name of Object.keys(p.classes)) all.add(name)
  const newAliveByName = new Map(names.map((name, c) => [name, newAlive[c]!]))
  const first = phases[0]!
  const last = phases[phases.length - 1]!
  const growth = (name: string): number => (last.classes[name]?.selfSize ?? 0) - (first.classes[name]?.selfSize ?? 0)
  const changed = (name: string): boolean => growth(name) !== 0 || (last.classes[name]?.count ?? 0) !== (first.classes[name]?.count ?? 0)
  return [...all]
    .filter(changed)
    .sort((a, b) => Math.abs(growth(b)) - Math.abs(growth(a)) || a.localeCompare(b))
    .slice(0, CLASS_ROWS)
    .map((name) => {
      const internal = noiseReason(name)
      return {
        className: name,
        countsByPhase: phases.map((p) => p.classes[name]?.count ?? 0),
        selfSizeByPhase: phases.map((p) => p.classes[name]?.selfSize ?? 0),
        newAlive: newAliveByName.get(name) ?? { count: 0, selfSize: 0 },
        ...(internal === undefined ? {} : { internal })
      }
    })
}

function headline (verdict: HeapVerdict, suspects: readonly HeapSuspect[], rounds: number): string {
  const named = (v: SuspectVerdict): string => suspects.filter((s) => s.verdict === v).slice(0, 3).map((s) => s.className).join(', ')
  if (verdict === 'leak') return `leak: ${named('leak')} survive${rounds > 1 ? ` every one of ${rounds} load rounds` : ' the load'} in proportion to clients`
  if (verdict === 'suspect') return `suspect: ${named('suspect')} survive the load, but ${rounds} load round(s) cannot prove unbounded growth`
  const bounded = named('bounded')
  return `clean: nothing allocated during the load survives in proportion to it${bounded === '' ? '' : ` (bounded: ${bounded})`}`
}

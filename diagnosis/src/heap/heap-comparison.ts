/**
 * The result of comparing heap snapshots: plain, JSON-able data (documented in docs/heap.md),
 * for the soak's verdict (`heap` category), the `diff` command and report.json.
 */

/** Per-suspect verdict. */
export type SuspectVerdict =
  /** Survives from every load round, in proportion to the load: a leak. */
  | 'leak'
  /** Survives the load, but the rounds cannot tell whether it grows without bound. */
  | 'suspect'
  /** Filled early then stopped growing, or its old entries were freed: bounded. */
  | 'bounded'
  /** Would be a leak or a suspect, but the user allowlisted the class. */
  | 'allowlisted'

/** Overall verdict: the worst suspect verdict ('allowlisted' and 'bounded' count as clean). */
export type HeapVerdict = 'leak' | 'suspect' | 'clean'

export interface HeapThresholds {
  /** Load rounds needed to judge "grows in every round" (with fewer: one-round rule). */
  minRounds: number
  /** Objects of a class that must survive from a round for that round to count as growth. */
  minObjectsPerRound: number
  /** With client counts: survivors per client a round must leave to count as growth. */
  minObjectsPerClient: number
  /** With one load round and a client count: survivors per client that make a leak. */
  singleRoundObjectsPerClient: number
  /** Least / most per-client survivors across rounds at or above which growth is proportional. */
  proportionality: number
  /** Suspects reported, most severe first. */
  topSuspects: number
  /** Distinct retainer paths reported per suspect. */
  pathsPerSuspect: number
}

export const DEFAULT_HEAP_THRESHOLDS: Readonly<HeapThresholds> = Object.freeze({
  minRounds: 2,
  minObjectsPerRound: 10,
  minObjectsPerClient: 0.1,
  singleRoundObjectsPerClient: 1,
  proportionality: 0.5,
  topSuspects: 10,
  pathsPerSuspect: 3
})

export interface Amount {
  count: number
  /** Bytes (attributed self sizes, as DevTools shows them). */
  selfSize: number
}

export interface PhaseInfo {
  /** 'baseline', 'round 1'…, 'final'. */
  label: string
  source: string
  nodeCount: number
  /** Bytes. */
  totalSize: number
  maxObjectId: number
}

export interface RetainerPathEvidence {
  /** e.g. `(GC roots) → global.chatServer → ChatServer.sessions → Map → ChatSession`. */
  path: string
  /** How many of the sampled objects are held this way. */
  count: number
  /** Objects sampled for paths. */
  sampled: number
  /** Snapshot ids of the objects on one such path (DevTools: search @id). */
  ids: number[]
}

export interface HeapSuspect {
  className: string
  verdict: SuspectVerdict
  /** One line: why this verdict. */
  reason: string
  /** Allocated after the baseline and alive in the final snapshot. */
  newAlive: Amount & { retainedSize: number }
  /** Of those, allocated during load round k (index k-1). */
  survivorsByRound: Amount[]
  /** Class totals at each phase: baseline, rounds…, final. */
  countsByPhase: number[]
  selfSizeByPhase: number[]
  /** Mean over load rounds of survivors / clients; null without client counts. */
  objectsPerClientPerRound: number | null
  bytesPerClientPerRound: number | null
  retainerPaths: RetainerPathEvidence[]
  /** The surviving object with the largest retained size. */
  largest: { id: number, retainedSize: number } | null
}

export interface ClassGrowth {
  className: string
  countsByPhase: number[]
  selfSizeByPhase: number[]
  /** Objects of this class allocated after the baseline and alive at the end. */
  newAlive: Amount
  /** Why the class is a V8/Node internal, when it is one (never a suspect). */
  internal?: string
}

export interface HeapComparison {
  /** Bumped on incompatible changes of this shape. */
  version: 1
  verdict: HeapVerdict
  /** One line for people. */
  headline: string
  phases: PhaseInfo[]
  /** Load rounds judged (snapshots between the baseline and the final, or 1). */
  loadRounds: number
  clientsPerRound: number[] | null
  /** Ids compared between the baseline and each later snapshot, and mismatches (always 0 when returned). */
  processCheck: { compared: number, mismatched: number }
  /** Everything allocated after the baseline and alive at the end, internals excluded. */
  newAlive: Amount & { retainedSize: number }
  /** Most severe first; only classes that passed the size thresholds. */
  suspects: HeapSuspect[]
  /** Classes whose totals changed the most between the baseline and the final snapshot. */
  classes: ClassGrowth[]
  /** Retainer paths of the surviving objects of each class asked for with `pathsFor`. */
  retainersByClass: Record<string, RetainerPathEvidence[]>
  thresholds: HeapThresholds
  allowlist: string[]
}

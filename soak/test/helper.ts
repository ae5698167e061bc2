/** Builders of heap comparisons for the pure tests of the soak and its renderers. */
import type { HeapComparison, HeapSuspect } from '../../diagnosis/src/heap/heap-comparison.js'
import { DEFAULT_HEAP_THRESHOLDS } from '../../diagnosis/src/heap/heap-comparison.js'

/** A suspect that survives 20 objects in each of 3 rounds, held by a Map. */
export function suspect (className: string, fields: Partial<HeapSuspect> = {}): HeapSuspect {
  return {
    className,
    verdict: 'leak',
    reason: 'survives every round',
    newAlive: { count: 60, selfSize: 6000, retainedSize: 9000 },
    survivorsByRound: [{ count: 20, selfSize: 2000 }, { count: 20, selfSize: 2000 }, { count: 20, selfSize: 2000 }],
    countsByPhase: [0, 20, 40, 60],
    selfSizeByPhase: [0, 2000, 4000, 6000],
    objectsPerClientPerRound: 1,
    bytesPerClientPerRound: 100,
    retainerPaths: [{ path: '(GC roots) → global.server → Server.sessions → Map → Session', count: 60, sampled: 60, ids: [11] }],
    largest: { id: 11, retainedSize: 150 },
    ...fields
  }
}

/** A comparison with these suspects. */
export function comparison (suspects: HeapSuspect[], retainersByClass: HeapComparison['retainersByClass'] = {}): HeapComparison {
  return {
    version: 1,
    verdict: suspects.some((s) => s.verdict === 'leak') ? 'leak' : 'clean',
    headline: 'test',
    phases: [],
    loadRounds: 3,
    clientsPerRound: [20, 20, 20],
    processCheck: { compared: 1, mismatched: 0 },
    newAlive: { count: 60, selfSize: 6000, retainedSize: 9000 },
    suspects,
    classes: [],
    retainersByClass,
    thresholds: { ...DEFAULT_HEAP_THRESHOLDS },
    allowlist: []
  }
}

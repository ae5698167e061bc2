/**
 * Test helpers: heap comparisons built by hand for the pure tests, and quick real soaks (small
 * loads through the same options a user has) for the leak tests.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { onTestFinished } from 'vitest'
import type { HeapComparison, HeapSuspect } from '../../diagnosis/src/heap/heap-comparison.js'
import { DEFAULT_HEAP_THRESHOLDS } from '../../diagnosis/src/heap/heap-comparison.js'
import type { ResourceKind } from '../../diagnosis/src/hooks/inventory.js'
import type { CategoryVerdict } from '../../diagnosis/src/verdict.js'
import { defaultVerdictConfig } from '../../diagnosis/src/verdict-config.js'
import type { VerdictCategory } from '../../diagnosis/src/verdict-config.js'
import { DISCONNECT_MIX, disconnectCycle } from '../../loadgen/src/disconnect.js'
import type { DisconnectStyle } from '../../loadgen/src/disconnect.js'
import { nickFor } from '../../loadgen/src/nick.js'
import { builtPaths } from '../../cli/src/soak.js'
import { buildReport } from '../src/report-model.js'
import type { LeakedResources, Observations, SoakReport } from '../src/report-model.js'
import { Soak } from '../src/soak.js'
import type { SoakOptions, SoakTarget } from '../src/soak-options.js'
import { defaultIrcWarmup, nickPrefixFor } from '../../load/src/load-spec.js'
import type { HeapComparison as Comparison } from '../../diagnosis/src/heap/heap-comparison.js'

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

/** Options of a small, quick soak: 20 clients leaving in the default mix, 3 rounds. */
export function quickSoakOptions (target: SoakTarget, profilesDir: string, fields: Partial<SoakOptions> = {}): SoakOptions {
  return {
    target,
    host: '127.0.0.1',
    load: {
      protocol: 'irc',
      round: { clients: QUICK_CLIENTS, minIntervalMs: 20, maxIntervalMs: 60, messages: 2, connectRate: 1000, drainTimeoutMs: 2000, quitTimeoutMs: 1000, disconnect: 'mix' },
      warmup: defaultIrcWarmup(QUICK_CLIENTS)
    },
    rounds: 3,
    runId: 'test',
    profilesDir,
    heapSnapshots: true,
    cpuProfile: false,
    heapProfile: false,
    settle: {},
    verdict: defaultVerdictConfig(),
    lifecycleLog: null,
    paths: builtPaths(),
    readyTimeoutMs: 15_000,
    stopGraceMs: 1000,
    heapTimeoutMs: 60_000,
    ...fields
  }
}

export const QUICK_CLIENTS = 20

/** Runs a soak into a fresh temporary folder (removed after the test) and builds its report. */
export async function soakReport (target: SoakTarget, fields: Partial<SoakOptions> = {}): Promise<{ observations: Observations, report: SoakReport, soak: Soak }> {
  const dir = await mkdtemp(join(tmpdir(), 'soakwatch-soak-'))
  onTestFinished(async () => { await rm(dir, { recursive: true, force: true }) })
  const soak = new Soak(quickSoakOptions(target, dir, fields))
  onTestFinished(() => { soak.killTarget() })
  const observations = await soak.run()
  return { observations, report: buildReport(observations), soak }
}

/** The nicks the quick load gives clients that leave in `style`, over `rounds` rounds. */
export function nicksLeavingBy (style: DisconnectStyle, rounds = 3): string[] {
  const cycle = disconnectCycle(DISCONNECT_MIX)
  const nicks: string[] = []
  for (let round = 1; round <= rounds; round++) {
    for (let id = 0; id < QUICK_CLIENTS; id++) if (cycle[id % cycle.length] === style) nicks.push(nickFor(nickPrefixFor(round, QUICK_CLIENTS) ?? '', id))
  }
  return nicks.sort()
}

/** A category's verdict in a report. */
export function category (report: SoakReport, name: VerdictCategory): CategoryVerdict {
  const found = report.verdict.categories.find((c) => c.category === name)
  if (found === undefined) throw new Error(`no ${name} category`)
  return found
}

/** The heap comparison of the (first) diagnosed process. */
export function heapComparisonOf (report: SoakReport, index = 0): Comparison | null {
  return report.processes[index]?.heap.comparison ?? null
}

/** The leaked-resource groups of one kind. */
export function leakedOfKind (report: SoakReport, kind: ResourceKind): LeakedResources[] {
  return (report.handles?.leaked ?? []).filter((g) => g.kind === kind)
}

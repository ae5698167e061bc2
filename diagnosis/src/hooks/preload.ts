/**
 * soakwatch target hooks: preloaded into any Node process with
 *   NODE_OPTIONS="--inspect=127.0.0.1:0 --import <file URL of dist/diagnosis/src/hooks/preload.js>"
 * `--import` runs this ES module before the main entry whether that entry is CommonJS or ESM.
 *
 * Publishes `globalThis[Symbol.for('soakwatch.hooks')]` (see ./inventory.ts), which the
 * harness calls over the inspector with Runtime.evaluate. Dependency-free (Node built-ins
 * only), creates no handles, and costs one cheap `init` call per async resource; see
 * ./resource-registry.ts for what it does and does not do to stay cheap.
 */
import { createHook } from 'node:async_hooks'
import { subscribe } from 'node:diagnostics_channel'
import { renameSync, writeFileSync } from 'node:fs'
import { url as inspectorUrl } from 'node:inspector'
import { createRequire, findSourceMap } from 'node:module'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { getHeapStatistics } from 'node:v8'
import type { Inventory, ResourceCounts, TargetHooks } from './inventory.js'
import { HOOKS_KEY, INVENTORY_SCHEMA, STATS_KEY } from './inventory.js'
import type { ProcessRecord, ServingReport } from './process-record.js'
import { PROCESS_RECORD_SCHEMA, REGISTRY_ENV } from './process-record.js'
import { ResourceRegistry } from './resource-registry.js'

const hooksSymbol = Symbol.for(HOOKS_KEY)
const slot = globalThis as unknown as Record<symbol, unknown>

// Loaded twice (e.g. NODE_OPTIONS inherited and an explicit --import) must not double-count.
if (slot[hooksSymbol] === undefined) install()

function install (): void {
  const installedAt = Date.now()
  const registry = new ResourceRegistry({
    now: () => performance.now(),
    ownDir: fileURLToPath(new URL('.', import.meta.url)),
    toPath: fileURLToPath,
    mapSource
  })
  const hook = createHook({
    init (id, type, triggerId, resource) {
      if (!registry.init(id, type, triggerId, resource)) hook.disable()
    }
  })
  hook.enable()
  const announceFailure = announce(process.env[REGISTRY_ENV], installedAt)
  // Connections accepted, by local port: which share of a round's clients each process of a
  // cluster served. `net.server.socket` is published for every connection a server emits.
  const accepted: Record<string, number> = {}
  subscribe('net.server.socket', (message) => {
    const port = (message as { socket?: { localPort?: number } }).socket?.localPort
    if (port !== undefined) accepted[port] = (accepted[port] ?? 0) + 1
  })

  const hooks: TargetHooks = {
    version: INVENTORY_SCHEMA,
    inventory (): Inventory {
      const resources = registry.live()
      const stats = readStats()
      return {
        schema: INVENTORY_SCHEMA,
        pid: process.pid,
        takenAt: Date.now(),
        uptimeMs: Math.round(process.uptime() * 1000),
        hooks: { installedAt, tracked: registry.size, pruned: registry.pruned, failure: registry.failure },
        activeResources: activeResources(),
        resources,
        memory: { ...process.memoryUsage() },
        heap: camelCaseKeys(getHeapStatistics() as unknown as Record<string, number>),
        stats: stats.value,
        statsError: stats.error,
        accepted: { ...accepted }
      }
    },
    counts (): ResourceCounts {
      return { pid: process.pid, activeResources: activeResources(), tracked: registry.countByType(), stats: readStats().value }
    },
    serving (port: number): ServingReport {
      const use = registry.portUse(port)
      return { pid: process.pid, port, listening: use.listening > 0, accepted: use.connections, workers: clusterWorkers() }
    },
    announceFailure
  }
  Object.defineProperty(globalThis, hooksSymbol, { value: Object.freeze(hooks), enumerable: false })
}

/**
 * Writes this process's record into the registry folder, if the harness named one: written
 * under a temporary name and renamed, so a reader never sees half a record. Never throws (a
 * preload that throws kills the target); returns the failure instead.
 */
function announce (dir: string | undefined, startedAt: number): string | null {
  if (dir === undefined || dir === '') return null
  const record: ProcessRecord = {
    schema: PROCESS_RECORD_SCHEMA,
    pid: process.pid,
    ppid: process.ppid,
    inspector: inspectorUrl() ?? null,
    argv: process.argv,
    execArgv: process.execArgv,
    cwd: process.cwd(),
    startedAt,
    clusterWorker: cluster().isWorker
  }
  const file = join(dir, `${process.pid}.json`)
  try {
    writeFileSync(`${file}.tmp`, JSON.stringify(record))
    renameSync(`${file}.tmp`, file)
    return null
  } catch (err) {
    return `cannot write ${file}: ${String(err)}`
  }
}

/**
 * Node's cluster module (a built-in `require`, cheap, no handles). Node removes NODE_UNIQUE_ID
 * from a worker's environment before preloads run, so `isWorker` is the way to tell.
 */
function cluster (): typeof import('node:cluster').default {
  return createRequire(import.meta.url)('node:cluster') as typeof import('node:cluster').default
}

/** A cluster primary's workers: empty outside a primary that forked some. */
function clusterWorkers (): ServingReport['workers'] {
  const c = cluster()
  if (!c.isPrimary) return []
  return Object.values(c.workers ?? {}).flatMap((w) => w?.process.pid === undefined ? [] : [{ pid: w.process.pid, state: (w as { state?: string }).state ?? 'none' }])
}

function activeResources (): Record<string, number> {
  const counts: Record<string, number> = {}
  for (const type of process.getActiveResourcesInfo()) counts[type] = (counts[type] ?? 0) + 1
  return counts
}

function readStats (): { value: Record<string, number> | null, error: string | null } {
  const accessor = slot[Symbol.for(STATS_KEY)]
  if (typeof accessor !== 'function') return { value: null, error: null }
  try {
    const value: unknown = accessor()
    if (value === null || typeof value !== 'object') return { value: null, error: `stats accessor returned ${typeof value}` }
    // Keep numbers only: the contract says "an object of numbers", and JSON must not fail on
    // whatever else a target puts there.
    const numbers: Record<string, number> = {}
    for (const [key, v] of Object.entries(value)) if (typeof v === 'number') numbers[key] = v
    return { value: numbers, error: null }
  } catch (err) {
    return { value: null, error: `stats accessor threw: ${String(err)}` }
  }
}

/** Maps a generated position to its original source when the target runs with source maps. */
function mapSource (file: string, line: number, col: number): string | undefined {
  if (!process.sourceMapsEnabled) return undefined
  const entry = findSourceMap(file)?.findEntry(line - 1, col - 1)
  if (entry === undefined || !('originalSource' in entry)) return undefined
  const source = entry.originalSource.startsWith('file://') ? fileURLToPath(entry.originalSource) : entry.originalSource
  return `${source}:${entry.originalLine + 1}:${entry.originalColumn + 1}`
}

function camelCaseKeys (record: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {}
  for (const [key, value] of Object.entries(record)) out[key.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase())] = value
  return out
}

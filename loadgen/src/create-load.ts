/**
 * The loadgen's entry point as a library: `createLoad(options)` returns an engine that runs in
 * this process, or over `options.workers` child processes, behind the same interface.
 */
import { randomInt } from 'node:crypto'
import { resolveLoadOptions } from './load-options.js'
import type { LoadOptions } from './load-options.js'
import { randomNickPrefix } from './nick.js'
import { LoadRun } from './load-run.js'
import { WorkerPoolLoad } from './worker-pool.js'
import { localCoordinator } from './coordinator.js'
import { epochNowMs } from './clock.js'
import type { LoadEngine } from './load-events.js'

export interface CreateLoadDeps {
  /** Worker main to fork (tests and bundlers); default the built `worker-entry.js`. */
  workerEntry?: string
}

/**
 * Creates a load engine. Nothing connects until `start()`.
 * @throws {InvalidLoadOptionError} when an option is invalid
 */
export function createLoad (options: LoadOptions, deps: CreateLoadDeps = {}): LoadEngine {
  const resolved = resolveLoadOptions({
    ...options,
    nickPrefix: options.nickPrefix ?? randomNickPrefix(Math.random),
    seed: options.seed ?? randomInt(0x7fffffff)
  })
  const epochMs = Math.floor(epochNowMs())
  if (resolved.workers > 1) return new WorkerPoolLoad(resolved, { epochMs, workerEntry: deps.workerEntry })
  return new LoadRun({ options: resolved, worker: 0, slice: { start: 0, end: resolved.clients }, epochMs, coordinator: localCoordinator })
}

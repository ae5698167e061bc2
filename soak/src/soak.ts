/**
 * The soak orchestrator (engine): starts or attaches to the target, runs the load in rounds,
 * takes inventories and heap snapshots at the right moments, and returns plain observations
 * for `buildReport`. It reports through typed events and never prints or exits.
 *
 *   start target ▶ connect inspector ▶ warm-up ▶ baseline (settle, inventory, GC, snapshot)
 *   ▶ [load ▶ settle ▶ inventory + GC ▶ snapshot] × rounds ▶ heap comparison ∥ stop target
 *
 * Contract:
 * - `run(signal)` always resolves with observations, also when the run fails or is aborted:
 *   the failure is in `errors` (with the target's stderr tail when it crashed), an abort in
 *   `interruption`; it rejects only for a bug in the soak itself.
 * - An abort (SIGINT) stops the clients (they leave as in a normal round), then the final
 *   inventory is taken if the target is still alive, so the partial report still diffs.
 * - A target that exits mid-run stops everything at once; the phase it died in is named.
 * - A started target is always stopped (SIGTERM, then SIGKILL after `stopGraceMs`); an
 *   attached one is left running.
 * - Files: `<profilesDir>/{baseline,round-N}.heapsnapshot`, `soak.cpuprofile`,
 *   `soak.heapprofile`, and the bundled server's `lifecycle.ndjson`.
 */
import { EventEmitter } from 'node:events'
import { rm } from 'node:fs/promises'
import { arch, cpus, platform, release } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { SoakwatchError } from '../../common/src/define-error.js'
import { createLoad as createLoadEngine } from '../../loadgen/src/create-load.js'
import type { LoadEngine } from '../../loadgen/src/load-events.js'
import type { LoadOptions } from '../../loadgen/src/load-options.js'
import { resolveLoadOptions } from '../../loadgen/src/load-options.js'
import type { LoadResult } from '../../loadgen/src/load-result.js'
import { mergeLoadResults } from '../../loadgen/src/merge-load-results.js'
import { nickPlanFits } from '../../loadgen/src/nick.js'
import { HooksMissingError, TargetExitedError, TargetGoneError } from '../../diagnosis/src/errors.js'
import { compareHeapSnapshotFiles } from '../../diagnosis/src/heap/compare-heap-snapshot-files.js'
import type { HeapComparison } from '../../diagnosis/src/heap/heap-comparison.js'
import { ScanBudget } from '../../diagnosis/src/heap/scan-budget.js'
import type { Inventory } from '../../diagnosis/src/hooks/inventory.js'
import { InspectorSession } from '../../diagnosis/src/inspector-session.js'
import { diffInventories } from '../../diagnosis/src/inventory-diff.js'
import type { LifecycleEvent } from '../../diagnosis/src/lifecycle-event.js'
import type { ClientLifecycle } from '../../diagnosis/src/lifecycle-match.js'
import { sampleFromCounts, settlePolicy } from '../../diagnosis/src/settle.js'
import type { SettlePolicy } from '../../diagnosis/src/settle.js'
import { TargetProcess } from '../../diagnosis/src/target-process.js'
import type { TargetExit } from '../../diagnosis/src/target-process.js'
import { waitForSettle } from '../../diagnosis/src/wait-for-settle.js'
import type { SettleResult } from '../../diagnosis/src/wait-for-settle.js'
import { SoakLoadFailedError } from './errors.js'
import { pathsForLeaks } from './heap-evidence.js'
import { LifecycleLogReader } from './lifecycle-log-reader.js'
import { clientLifecycle, summarizeLoad } from './load-observations.js'
import type { Observations, ReportEnvironment, ReportError, ReportTarget, RoundRecord } from './report-model.js'
import type { SoakEvents, SoakPhaseName } from './soak-events.js'
import type { SoakOptions } from './soak-options.js'
import { SOAK_DEFAULTS, soakSettings, validateSoakOptions } from './soak-options.js'

export interface SoakDeps {
  createLoad: (options: LoadOptions) => LoadEngine
  /** Wall clock, epoch ms (report timestamps). */
  now: () => number
  /** Monotonic clock, ms (phase timings, budgets). */
  clock: () => number
}

/** Longest wait for a target's lifecycle log to show every session its stats count. */
const LOG_CATCH_UP_MS = 5000
/** Settle budget of the final inventory after an abort: the user is waiting. */
const FINAL_SETTLE_MS = 3000
/** Distinct retainer paths kept per heap suspect (the comparison's default is 3). */
const HEAP_PATHS_PER_SUSPECT = 16
/** After a failure, how long to wait for the target's exit to be reported before judging it alive. */
const EXIT_GRACE_MS = 500

export class Soak extends EventEmitter<SoakEvents> {
  readonly options: SoakOptions
  readonly #deps: SoakDeps
  readonly #settle: SettlePolicy
  /** Aborted by the caller's signal or by the target going away; every phase watches it. */
  readonly #stop = new AbortController()
  #ran = false
  #target: TargetProcess | undefined
  #session: InspectorSession | undefined
  #log: LifecycleLogReader | undefined
  #address = { host: '', port: 0 }
  #current = 'start target'
  /** The phase the target was in when it began exiting on its own. */
  #diedDuring: string | undefined
  /** How the target exited when it died before it was ready (there is no TargetProcess then). */
  #startupExit: TargetExit | undefined
  /** Set when the target went away on its own (crash, or an attached process's inspector closed). */
  #lost: SoakwatchError | undefined

  // What the run observed so far.
  readonly #rounds: RoundRecord[] = []
  readonly #loads: LoadResult[] = []
  readonly #clients: ClientLifecycle[] = []
  readonly #serverEvents: LifecycleEvent[] = []
  readonly #phases: Array<{ name: string, ms: number }> = []
  readonly #snapshots: Array<{ phase: string, path: string, bytes: number }> = []
  readonly #profiles: string[] = []
  readonly #errors: ReportError[] = []
  readonly #warnings: string[] = []
  #baseline: Inventory | undefined
  #end: Inventory | undefined
  #settled: boolean | undefined
  #heap: HeapComparison | undefined
  #interruption: string | undefined
  #pid: number | null = null
  #devtoolsUrl: string | null = null
  #profiling = false

  /**
   * @throws {SoakInvalidOptionError} on an invalid soak option
   * @throws {InvalidLoadOptionError} on an invalid load option (checked now, not after the target started)
   */
  constructor (options: SoakOptions, deps: Partial<SoakDeps> = {}) {
    super()
    this.options = validateSoakOptions(options)
    resolveLoadOptions({ ...options.load, port: 1, nickPrefix: 'a', seed: 0 })
    this.#deps = { createLoad: createLoadEngine, now: Date.now, clock: () => performance.now(), ...deps }
    this.#settle = settlePolicy(options.settle)
  }

  /**
   * Runs the soak once; see the module header for what it does on failure and abort.
   * @throws {Error} when called twice
   */
  async run (signal?: AbortSignal): Promise<Observations> {
    if (this.#ran) throw new Error('a Soak runs once; create another')
    this.#ran = true
    const startedAtMs = this.#deps.now()
    const onAbort = (): void => { this.#stop.abort(signal?.reason) }
    if (signal?.aborted === true) onAbort()
    signal?.addEventListener('abort', onAbort, { once: true })
    try {
      await this.#timed('start target', null, async () => { await this.#startTarget() })
      await this.#timed('connect inspector', null, async () => { await this.#connect() })
      await this.#warmUpAndBaseline()
      for (let round = 1; round <= this.options.rounds; round++) await this.#round(round)
      await this.#finish()
    } catch (err) {
      await this.#recover(err, signal)
    } finally {
      signal?.removeEventListener('abort', onAbort)
      await this.#teardown()
    }
    return this.#observations(startedAtMs)
  }

  /** Synchronous last resort for the caller's `exit` handler: SIGKILL a target the soak started. */
  killTarget (): void {
    this.#target?.killNow()
  }

  // ── Phases ──────────────────────────────────────────────────────────────────

  async #startTarget (): Promise<void> {
    const o = this.options
    const t = o.target
    if (t.kind === 'attach') return
    const common = { hooksPath: o.paths.hooks, host: o.host, readyTimeoutMs: o.readyTimeoutMs, stopGraceMs: o.stopGraceMs }
    if (t.kind === 'bundled') {
      const log = join(o.profilesDir, 'lifecycle.ndjson')
      // The server appends; a log left by an earlier run with the same id would be replayed.
      await rm(log, { force: true })
      this.#log = new LifecycleLogReader(log)
      // Source maps: creation sites then name the server's TypeScript, not the built JS.
      const nodeOptions = `${process.env['NODE_OPTIONS'] ?? ''} --enable-source-maps`.trim()
      this.#target = await this.#recordStartupExit(TargetProcess.start(
        { kind: 'bundled', script: o.paths.serverScript, args: ['--log', log, ...t.leaks.flatMap((k) => ['--leak', k])] },
        { ...common, env: { NODE_OPTIONS: nodeOptions } }
      ))
    } else {
      if (o.lifecycleLog !== null) this.#log = new LifecycleLogReader(o.lifecycleLog)
      this.#target = await this.#recordStartupExit(TargetProcess.start({ kind: 'command', command: t.command }, common))
    }
    const target = this.#target
    target.on('exiting', () => {
      // It is exiting with our session attached, and Node holds the exit until we disconnect:
      // let it go, so that its exit code and last stderr lines are what gets reported.
      this.#diedDuring ??= this.#current
      void this.#session?.close()
      this.#loseTarget(new TargetGoneError(`${this.#diedDuring} (the target began exiting)`))
    })
    target.on('exit', (exit) => {
      this.emit('target-exit', exit)
      if (exit.expected) return
      this.#diedDuring ??= this.#current
      this.#loseTarget(target.exitError(exit, this.#diedDuring))
    })
    this.#pid = target.pid
    this.#devtoolsUrl = target.devtoolsUrl
    this.#address = target.address
  }

  /** Keeps the exit code and stderr lines of a target that died while starting, for the report. */
  async #recordStartupExit (starting: Promise<TargetProcess>): Promise<TargetProcess> {
    try {
      return await starting
    } catch (err) {
      if (err instanceof TargetExitedError) {
        const d = err.detail
        this.#startupExit = { code: d.code, signal: d.signal, expected: false, stderrTail: [...d.stderrTail] }
      }
      throw err
    }
  }

  async #connect (): Promise<void> {
    const o = this.options
    const url = o.target.kind === 'attach' ? o.target.url : this.#devtoolsUrl ?? ''
    const session = await InspectorSession.connect(url)
    this.#session = session
    session.on('disconnect', () => {
      // A started target's exit is reported with its status by the exit listener instead.
      if (this.#target === undefined) this.#loseTarget(new TargetGoneError(this.#current))
    })
    if (this.listenerCount('snapshot-progress') > 0) session.on('snapshot-progress', (e) => this.emit('snapshot-progress', e))
    if (!await session.hasHooks()) throw new HooksMissingError(url)
    if (o.target.kind === 'attach') {
      if (o.lifecycleLog !== null) this.#log = new LifecycleLogReader(o.lifecycleLog)
      this.#devtoolsUrl = url
      this.#pid = await session.evaluate<number>('process.pid')
      this.#address = { host: o.host, port: o.target.port }
    }
    this.emit('target-ready', {
      mode: o.target.kind,
      command: this.#target?.command ?? null,
      pid: this.#pid,
      devtoolsUrl: url,
      ...this.#address
    })
  }

  async #warmUpAndBaseline (): Promise<void> {
    const o = this.options
    let warmup: LoadResult | undefined
    if (o.warmup.clients > 0) {
      warmup = await this.#timed('warm-up', 0, async () => await this.#load(0, {
        ...o.load,
        clients: o.warmup.clients,
        messages: o.warmup.messages,
        durationS: undefined,
        minIntervalMs: o.warmup.minIntervalMs,
        maxIntervalMs: o.warmup.maxIntervalMs,
        // A leaky target may never close what a client left; the warm-up does not wait on that.
        quitTimeoutMs: Math.min(o.load.quitTimeoutMs ?? Infinity, SOAK_DEFAULTS.warmupQuitTimeoutMs),
        workers: 1
      }))
      this.#checkLoad(0, warmup)
    }
    await this.#timed('baseline', 0, async () => {
      const settle = await this.#settleTarget(0)
      const baseline = await this.#inventory()
      this.#baseline = baseline
      // What the log holds now happened before the baseline: the warm-up's sessions.
      await this.#catchUpLog(baseline)
      const used = await this.#usedHeap()
      const snapshot = await this.#snapshot('baseline')
      this.#rounds.push({ round: 0, load: warmup === undefined ? null : summarizeLoad(warmup), settle: settleRecord(settle), usedHeapAfterGcBytes: used, activeResources: baseline.activeResources, snapshot })
    })
    if (o.cpuProfile) await this.#session?.startCpuProfile()
    if (o.heapProfile) await this.#session?.startHeapSampling()
    this.#profiling = o.cpuProfile || o.heapProfile
  }

  async #round (round: number): Promise<void> {
    const o = this.options
    const record: RoundRecord = { round, load: null, settle: null, usedHeapAfterGcBytes: null, activeResources: {}, snapshot: null }
    this.#rounds.push(record)
    await this.#timed('load', round, async () => {
      const result = await this.#load(round, o.load)
      // Recorded before it is judged: a round the target died in is still evidence.
      record.load = summarizeLoad(result)
      this.#loads.push(result)
      this.#clients.push(...(result.clientRecords ?? []).map(clientLifecycle))
      this.emit('load-done', { round, summary: record.load })
      this.#checkLoad(round, result)
    })
    const settle = await this.#timed('settle', round, async () => await this.#settleTarget(round))
    record.settle = settleRecord(settle)
    this.#settled = settle.stable
    if (round === o.rounds) await this.#stopProfiles()
    await this.#timed('inventory', round, async () => {
      const end = await this.#inventory()
      this.#end = end
      record.activeResources = end.activeResources
      this.#serverEvents.push(...await this.#catchUpLog(end))
      record.usedHeapAfterGcBytes = await this.#usedHeap()
    })
    if (o.heapSnapshots) record.snapshot = await this.#timed('snapshot', round, async () => await this.#snapshot(`round-${round}`))
  }

  /** The session is closed first, so that the target's exit is not mistaken for a loss; then both at once. */
  async #finish (): Promise<void> {
    await this.#session?.close()
    this.#current = 'heap comparison'
    const [, heap] = await Promise.allSettled([
      this.#timed('stop target', null, async () => { await this.#stopTarget() }),
      this.#timed('heap comparison', null, async () => { await this.#compareHeap() })
    ])
    if (heap.status === 'rejected') this.#errors.push(reportError(heap.reason))
  }

  // ── Steps ───────────────────────────────────────────────────────────────────

  /** Runs one round's clients; an abort stops them (they still leave), a dead target fails the round. */
  async #load (round: number, load: SoakOptions['load']): Promise<LoadResult> {
    this.#throwIfStopped()
    const engine = this.#deps.createLoad({
      ...load,
      host: this.#address.host,
      port: this.#address.port,
      recordClients: true,
      nickPrefix: nickPrefixFor(round, load.clients)
    })
    this.emit('load-start', { round, engine })
    const onStop = (): void => { engine.stop(this.#lost !== undefined ? 'target lost' : String(this.#stop.signal.reason ?? 'aborted')) }
    this.#stop.signal.addEventListener('abort', onStop, { once: true })
    try {
      return await engine.start()
    } finally {
      this.#stop.signal.removeEventListener('abort', onStop)
    }
  }

  /** A load that could not reach the target fails the run; one stopped by an abort ends it. */
  #checkLoad (round: number, result: LoadResult): void {
    const name = round === 0 ? 'the warm-up' : `round ${round}`
    if (result.outcome !== 'complete' && result.outcome !== 'stopped') {
      throw new SoakLoadFailedError({ round: name, code: result.abort?.code ?? result.outcome, message: result.abort?.message ?? result.outcome })
    }
    this.#throwIfStopped()
    if (result.clients.joined === 0 && result.clients.target > 0) {
      this.#warn(`${name}: no client joined a channel (${Object.keys(result.errors).join(', ') || 'no errors'}); does the target speak the IRC subset of server/PROTOCOL.md?`)
    }
  }

  async #settleTarget (round: number): Promise<SettleResult> {
    const session = this.#requireSession()
    const result = await waitForSettle(async () => sampleFromCounts(await session.counts()), this.#settle, {
      signal: this.#stop.signal,
      onSample: (sample) => this.emit('settle-sample', { round, sample })
    })
    if (!result.stable) this.#warn(`${round === 0 ? 'baseline' : `round ${round}`}: handle counts still changing after ${Math.round(result.elapsedMs)} ms`)
    return result
  }

  async #inventory (): Promise<Inventory> {
    this.#throwIfStopped()
    return await this.#requireSession().inventory()
  }

  async #usedHeap (): Promise<number> {
    return await this.#requireSession().usedHeapAfterGc()
  }

  async #snapshot (phase: string): Promise<string | null> {
    if (!this.options.heapSnapshots) return null
    const capture = await this.#requireSession().takeHeapSnapshot(this.options.profilesDir, phase)
    this.#snapshots.push({ phase, path: capture.path, bytes: capture.bytes })
    this.emit('capture', { kind: 'heap snapshot', path: capture.path, bytes: capture.bytes, ms: capture.durationMs })
    return capture.path
  }

  async #stopProfiles (): Promise<void> {
    if (!this.#profiling) return
    this.#profiling = false
    const session = this.#requireSession()
    const dir = this.options.profilesDir
    const captures: Array<['cpu profile' | 'heap profile', () => Promise<{ path: string, bytes: number, durationMs: number }>]> = []
    if (this.options.cpuProfile) captures.push(['cpu profile', async () => await session.stopCpuProfile(dir, 'soak')])
    if (this.options.heapProfile) captures.push(['heap profile', async () => await session.stopHeapSampling(dir, 'soak')])
    for (const [kind, stop] of captures) {
      const c = await stop()
      this.#profiles.push(c.path)
      this.emit('capture', { kind, path: c.path, bytes: c.bytes, ms: c.durationMs })
    }
  }

  /**
   * Reads the lifecycle log until it holds every session the target's stats count: pino
   * writes asynchronously, so the last closes may still be on their way when handles settle.
   */
  async #catchUpLog (inventory: Inventory): Promise<LifecycleEvent[]> {
    const log = this.#log
    if (log === undefined) return []
    const total = inventory.stats?.['connectionsTotal']
    const open = inventory.stats?.['connectionsOpen']
    const events = await log.read()
    if (total === undefined || open === undefined) return events
    const caughtUp = (): boolean => log.counts.opened >= total && log.counts.closed >= total - open
    const deadline = this.#deps.clock() + LOG_CATCH_UP_MS
    for (let wait = 10; !caughtUp() && this.#deps.clock() < deadline; wait = Math.min(wait * 2, 500)) {
      await sleep(wait)
      events.push(...await log.read())
    }
    if (!caughtUp()) this.#warn(`the lifecycle log ${log.path} shows ${log.counts.opened} opens and ${log.counts.closed} closes, the target's stats ${total} and ${total - open}`)
    return events
  }

  async #compareHeap (): Promise<void> {
    const o = this.options
    if (o.heapSnapshots && o.rounds === 1) {
      this.#warn('one round: the heap comparison cannot tell growth from a cache that filled once, and a few stray survivors per client count as a leak; use --rounds 2 or more to confirm (docs/heap.md)')
    }
    const baseline = this.#snapshots.find((s) => s.phase === 'baseline')
    const rounds = this.#snapshots.filter((s) => s.phase.startsWith('round-')).map((s) => s.path)
    const final = rounds.at(-1)
    if (baseline === undefined || final === undefined || this.#baseline === undefined || this.#end === undefined) return
    const clock = this.#deps.clock
    this.#heap = await compareHeapSnapshotFiles({
      baseline: baseline.path,
      rounds,
      final,
      finalIsRound: true,
      clientsPerRound: this.#loads.map((l) => l.clients.connected),
      // Retainer paths of the JS objects of the handles the inventories found leaked.
      pathsFor: pathsForLeaks(diffInventories(this.#baseline, this.#end).leaked),
      // Enough distinct paths that the sampled objects are all accounted for: a suspect is set
      // aside as the harness's own only when every one of them runs through the harness.
      thresholds: { pathsPerSuspect: HEAP_PATHS_PER_SUSPECT },
      budget: new ScanBudget({ maxMs: o.heapTimeoutMs, now: clock }),
      maxMs: o.heapTimeoutMs,
      now: clock,
      onProgress: (e) => this.emit('heap-progress', e)
    })
  }

  async #stopTarget (): Promise<void> {
    const target = this.#target
    if (target === undefined || target.exitStatus !== undefined) return
    const started = this.#deps.clock()
    const exit = await target.stop(this.options.stopGraceMs)
    if (exit.signal === 'SIGKILL') {
      // Evidence in itself: leaked handles (timers, sockets) keep a Node process's loop alive.
      this.#warn(`the target did not exit within ${Math.round(this.#deps.clock() - started)} ms of SIGTERM and was killed`)
    }
  }

  // ── Failure, abort and teardown ─────────────────────────────────────────────

  async #recover (err: unknown, signal: AbortSignal | undefined): Promise<void> {
    const target = this.#target
    // A failed CDP call or a lost load often reports the target's death before its exit does.
    if (target !== undefined && target.exitStatus === undefined && signal?.aborted !== true) {
      await Promise.race([target.exited(), sleep(EXIT_GRACE_MS)])
    }
    const crash = target?.exitStatus !== undefined && !target.exitStatus.expected ? target.exitError(target.exitStatus, this.#diedDuring ?? this.#current) : undefined
    if (signal?.aborted === true) this.#interruption = String(signal.reason ?? 'aborted')
    else this.#errors.push(reportError(crash ?? this.#lost ?? err))
    if (this.#baseline === undefined || this.#session?.connected !== true || crash !== undefined) return
    try {
      // The profiles of an interrupted run are still worth having.
      await this.#stopProfiles()
    } catch (profileErr) {
      this.#warn(`profiles not written: ${profileErr instanceof Error ? profileErr.message : String(profileErr)}`)
    }
    try {
      await this.#timed('final inventory', null, async () => {
        const session = this.#requireSession()
        const settle = await waitForSettle(async () => sampleFromCounts(await session.counts()), { ...this.#settle, timeoutMs: FINAL_SETTLE_MS })
        this.#settled = settle.stable
        const end = await session.inventory()
        this.#end = end
        this.#serverEvents.push(...await this.#catchUpLog(end))
      })
    } catch (finalErr) {
      this.#warn(`no final inventory: ${finalErr instanceof Error ? finalErr.message : String(finalErr)}`)
    }
  }

  async #teardown (): Promise<void> {
    await this.#session?.close()
    try {
      await this.#stopTarget()
    } catch (err) {
      this.#warn(`stopping the target failed: ${err instanceof Error ? err.message : String(err)}`)
    }
  }

  #loseTarget (err: SoakwatchError): void {
    this.#lost ??= err
    this.#stop.abort(err)
  }

  #throwIfStopped (): void {
    if (this.#stop.signal.aborted) throw this.#lost ?? new Error(`aborted: ${String(this.#stop.signal.reason)}`)
  }

  #requireSession (): InspectorSession {
    if (this.#session === undefined) throw new Error('no inspector session')
    return this.#session
  }

  #warn (message: string): void {
    this.#warnings.push(message)
    this.emit('warning', message)
  }

  async #timed<T> (name: SoakPhaseName, round: number | null, step: () => Promise<T>): Promise<T> {
    const label = round === null || round === 0 ? name : `${name} round ${round}`
    this.#current = label
    this.emit('phase', { name, round })
    const started = this.#deps.clock()
    try {
      return await step()
    } finally {
      this.#phases.push({ name: label, ms: this.#deps.clock() - started })
    }
  }

  #observations (startedAtMs: number): Observations {
    const o = this.options
    const exit: TargetExit | undefined = this.#target?.exitStatus ?? this.#startupExit
    const target: ReportTarget = {
      mode: o.target.kind,
      command: this.#target?.command ?? (o.target.kind === 'command' ? o.target.command : null),
      devtoolsUrl: this.#devtoolsUrl,
      pid: this.#pid,
      exit: exit === undefined ? null : { code: exit.code, signal: exit.signal, expected: exit.expected, stderrTail: exit.stderrTail }
    }
    const observations: Observations = {
      runId: o.runId,
      startedAtMs,
      finishedAtMs: this.#deps.now(),
      environment: environment(),
      target,
      settings: soakSettings(o),
      rounds: this.#rounds,
      snapshots: this.#snapshots,
      phases: this.#phases,
      files: { report: '', markdown: '', junit: null, profiles: this.#profiles },
      errors: this.#errors,
      warnings: this.#warnings,
      verdictConfig: o.verdict
    }
    if (this.#loads.length > 0) observations.load = summarizeLoad(mergeLoadResults(this.#loads))
    if (this.#baseline !== undefined) observations.baseline = this.#baseline
    if (this.#end !== undefined) observations.end = this.#end
    if (this.#settled !== undefined) observations.settled = this.#settled
    if (this.#loads.length > 0) observations.clients = this.#clients
    // Without a log, lifecycle is accounted on the client side alone (docs/diagnosis.md).
    if (this.#log !== undefined) observations.serverEvents = this.#serverEvents
    if (this.#heap !== undefined) observations.heapComparison = this.#heap
    if (this.#interruption !== undefined) observations.interruption = this.#interruption
    return observations
  }
}

/**
 * Nick prefixes that differ per round (`w-` for the warm-up, `r1-`, `r2-`…), so that a
 * session the server keeps from an earlier round (a ghost nick) never collides with a new
 * client, and matching by nick stays unambiguous; `-` cannot occur in a base-36 index.
 */
export function nickPrefixFor (round: number, clients: number): string | undefined {
  const prefix = round === 0 ? 'w-' : `r${round.toString(36)}-`
  return nickPlanFits(prefix, clients) ? prefix : undefined
}

function settleRecord (s: SettleResult): RoundRecord['settle'] {
  return { stable: s.stable, samples: s.samples, elapsedMs: Math.round(s.elapsedMs) }
}

function reportError (err: unknown): ReportError {
  if (err instanceof SoakwatchError) return { code: err.code, message: err.message }
  // Not one of ours: a bug; keep the frame it came from to find it.
  const frame = err instanceof Error ? err.stack?.split('\n')[1]?.trim() : undefined
  return { code: 'unexpected', message: `${err instanceof Error ? err.message : String(err)}${frame === undefined ? '' : ` (${frame})`}` }
}

function environment (): ReportEnvironment {
  const list = cpus()
  return {
    node: process.version,
    v8: process.versions.v8,
    platform: platform(),
    release: release(),
    arch: arch(),
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    cores: list.length
  }
}

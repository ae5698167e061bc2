/**
 * The soak orchestrator (engine): starts or attaches to the target, runs the load in rounds,
 * takes inventories and heap snapshots at the right moments, and returns plain observations
 * for `buildReport`. It reports through typed events and never prints or exits.
 *
 *   start target ▶ find the processes serving its port ▶ connect their inspectors ▶ warm-up
 *   ▶ baseline (settle, inventory, GC, snapshot) ▶ [load ▶ settle ▶ inventory + GC ▶ snapshot] × rounds
 *   ▶ heap comparison (per process) ∥ stop target
 *
 * Contract:
 * - The processes diagnosed are those that accept the target port's connections (one server,
 *   or every worker of a cluster; diagnosis/src/target/serving-processes.ts), each through its
 *   own inspector session (./target-links.ts); the verdict covers all of them.
 * - The load is a driver (load/src/load-driver.ts) made by `createDriver` for each round: the
 *   soak never looks at the protocol.
 * - `run(signal)` always resolves with observations, also when the run fails or is aborted:
 *   the failure is in `errors` (with the target's stderr tail when it crashed), an abort in
 *   `interruption`; it rejects only for a bug in the soak itself.
 * - An abort (SIGINT) stops the load (clients leave as in a normal round), then the final
 *   inventory is taken if the target is still alive, so the partial report still diffs.
 * - A target that exits mid-run, or a diagnosed process that goes away, stops everything at
 *   once; the phase it died in is named.
 * - A started target is always stopped, its whole process tree (SIGTERM, then SIGKILL after
 *   `stopGraceMs`); an attached one is left running.
 * - Files: `<profilesDir>/{baseline,round-N}[.<pid>].heapsnapshot`, `soak[.<pid>].cpuprofile`,
 *   `soak[.<pid>].heapprofile` (the pid when several processes are diagnosed), and the bundled
 *   server's `lifecycle.ndjson`.
 */
import { EventEmitter } from 'node:events'
import { rm } from 'node:fs/promises'
import { arch, cpus, platform, release } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { SoakwatchError } from '../../common/src/define-error.js'
import { HooksMissingError, TargetExitedError, TargetGoneError, TargetNotServedError } from '../../diagnosis/src/errors.js'
import { compareHeapSnapshotFiles } from '../../diagnosis/src/heap/compare-heap-snapshot-files.js'
import type { HeapComparison } from '../../diagnosis/src/heap/heap-comparison.js'
import { ScanBudget } from '../../diagnosis/src/heap/scan-budget.js'
import type { Inventory } from '../../diagnosis/src/hooks/inventory.js'
import { PROCESS_RECORD_SCHEMA } from '../../diagnosis/src/hooks/process-record.js'
import type { ProcessRecord } from '../../diagnosis/src/hooks/process-record.js'
import { InspectorSession } from '../../diagnosis/src/inspector-session.js'
import { diffInventories } from '../../diagnosis/src/inventory-diff.js'
import type { LifecycleEvent } from '../../diagnosis/src/lifecycle-event.js'
import type { ClientLifecycle } from '../../diagnosis/src/lifecycle-match.js'
import { settlePolicy } from '../../diagnosis/src/settle.js'
import type { SettlePolicy } from '../../diagnosis/src/settle.js'
import { discoverServing } from '../../diagnosis/src/target/serving-processes.js'
import { TargetProcess } from '../../diagnosis/src/target/target-process.js'
import type { TargetExit } from '../../diagnosis/src/target/target-process.js'
import { waitForSettle } from '../../diagnosis/src/wait-for-settle.js'
import type { SettleResult } from '../../diagnosis/src/wait-for-settle.js'
import { mergeDriverResults, summarizeDriverResult } from '../../load/src/driver-result.js'
import type { DriverResult, LoadDriver } from '../../load/src/load-driver.js'
import { createDriver as createLoadDriver, warmupClients } from '../../load/src/load-spec.js'
import type { LoadSpec } from '../../load/src/load-spec.js'
import { SoakLoadFailedError } from './errors.js'
import { pathsForLeaks } from './heap-evidence.js'
import { LifecycleLogReader } from './lifecycle-log-reader.js'
import type { Observations, ProcessObservation, ReportEnvironment, ReportError, ReportTarget, RoundRecord } from './report-model.js'
import { acceptedByRound } from './report-model.js'
import type { SoakEvents, SoakPhaseName } from './soak-events.js'
import type { SoakOptions } from './soak-options.js'
import { soakSettings, validateSoakOptions } from './soak-options.js'
import { TargetLinks } from './target-links.js'
import type { LinkTarget } from './target-links.js'

export interface SoakDeps {
  /** The load of `round` (0: the warm-up) against host:port. */
  createDriver: (spec: LoadSpec, round: number, target: { host: string, port: number }) => LoadDriver
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
/** How long an attached process may take to show the probe connections as accepted. */
const ATTACH_CHECK_MS = 3000

export class Soak extends EventEmitter<SoakEvents> {
  readonly options: SoakOptions
  readonly #deps: SoakDeps
  readonly #settle: SettlePolicy
  /** Aborted by the caller's signal or by the target going away; every phase watches it. */
  readonly #stop = new AbortController()
  #ran = false
  #target: TargetProcess | undefined
  #links: TargetLinks | undefined
  #log: LifecycleLogReader | undefined
  #address = { host: '', port: 0 }
  #current = 'start target'
  /** The phase the target was in when it began exiting on its own. */
  #diedDuring: string | undefined
  /** How the target exited when it died before it was ready (there is no TargetProcess then). */
  #startupExit: TargetExit | undefined
  /** Set when the target went away on its own (crash, or a diagnosed process's inspector closed). */
  #lost: SoakwatchError | undefined

  // What the run observed so far.
  readonly #rounds: RoundRecord[] = []
  readonly #loads: DriverResult[] = []
  readonly #clients: ClientLifecycle[] = []
  readonly #serverEvents: LifecycleEvent[] = []
  readonly #phases: Array<{ name: string, ms: number, load?: boolean }> = []
  readonly #profiles: string[] = []
  readonly #errors: ReportError[] = []
  readonly #warnings: string[] = []
  readonly #heap = new Map<number, HeapComparison>()
  #settled: boolean | undefined
  #interruption: string | undefined
  #pid: number | null = null
  #profiling = false

  /**
   * @throws {SoakInvalidOptionError} on an invalid soak option
   * @throws {InvalidLoadOptionError} {@link LoadOptionError} on an invalid load option (checked now, not after the target started)
   */
  constructor (options: SoakOptions, deps: Partial<SoakDeps> = {}) {
    super()
    this.options = validateSoakOptions(options)
    this.#deps = { createDriver: createLoadDriver, now: Date.now, clock: () => performance.now(), ...deps }
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

  /** Synchronous last resort for the caller's `exit` handler: SIGKILL the tree of a target the soak started. */
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
      const protocolArgs = o.load.protocol === 'http' ? ['--http-port', '0'] : []
      this.#target = await this.#recordStartupExit(TargetProcess.start(
        { kind: 'bundled', script: o.paths.serverScript, args: ['--log', log, ...protocolArgs, ...t.leaks.flatMap((k) => ['--leak', k])], serve: o.load.protocol },
        { ...common, env: { NODE_OPTIONS: nodeOptions } }
      ))
    } else {
      if (o.lifecycleLog !== null) this.#log = new LifecycleLogReader(o.lifecycleLog)
      this.#target = await this.#recordStartupExit(TargetProcess.start({ kind: 'command', command: t.command }, common))
    }
    const target = this.#target
    target.on('exiting', () => {
      // A process is exiting with one of our sessions attached, and Node holds the exit until
      // we disconnect: let it go, so that its exit code and last stderr lines are reported.
      void this.#links?.checkExiting()
    })
    target.on('exit', (exit) => {
      this.emit('target-exit', exit)
      if (exit.expected) return
      this.#diedDuring ??= this.#current
      this.#loseTarget(target.exitError(exit, this.#diedDuring))
    })
    this.#pid = target.pid
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
    let targets: LinkTarget[]
    if (o.target.kind === 'attach') {
      this.#address = { host: o.host, port: o.target.port }
      targets = [await this.#attachTarget(o.target.url, o.target.port)]
      this.#pid = targets[0]?.pid ?? null
      if (o.lifecycleLog !== null) this.#log = new LifecycleLogReader(o.lifecycleLog)
    } else {
      targets = (this.#target as TargetProcess).served.map((p) => ({ pid: p.pid, role: p.role, argv: p.argv, url: p.inspector }))
    }
    const links = await TargetLinks.connect(targets)
    this.#links = links
    links.on('lost', ({ who, why }) => {
      this.#diedDuring ??= this.#current
      this.#loseTarget(new TargetGoneError(`${this.#diedDuring} (${who}: ${why})`))
    })
    if (this.listenerCount('snapshot-progress') > 0) links.on('snapshot-progress', (e) => this.emit('snapshot-progress', e))
    this.emit('target-ready', {
      mode: o.target.kind,
      command: this.#target?.command ?? null,
      pid: this.#pid,
      processes: targets.map((t) => ({ pid: t.pid, role: t.role, devtoolsUrl: t.url })),
      devtoolsUrl: targets[0]?.url ?? '',
      ...this.#address
    })
  }

  /**
   * The attached process, checked to serve `--port`: a process that serves another port would
   * be inventoried while the load exercises something else.
   * @throws {HooksMissingError} when it runs without the hooks
   * @throws {TargetNotServedError} when it holds no connection accepted on the port
   */
  async #attachTarget (url: string, port: number): Promise<LinkTarget> {
    const session = await InspectorSession.connect(url)
    let pid: number
    let argv: string[]
    try {
      if (!await session.hasHooks()) throw new HooksMissingError(url)
      pid = await session.evaluate<number>('process.pid')
      argv = await session.evaluate<string[]>('process.argv')
    } finally {
      await session.close()
    }
    const record: ProcessRecord = { schema: PROCESS_RECORD_SCHEMA, pid, ppid: 0, inspector: url, argv, execArgv: [], cwd: '', startedAt: 0, clusterWorker: false }
    const decision = await discoverServing({ records: () => [record], host: this.options.host, port, deadline: performance.now() + ATTACH_CHECK_MS, acceptWaitMs: ATTACH_CHECK_MS })
    const served = decision.served[0]
    if (served === undefined) {
      throw new TargetNotServedError({ command: `--attach ${url}`, address: `${this.options.host}:${port}`, seen: `the attached process (pid ${pid}) neither listens on the port nor accepted the probe connections; is --port the port it serves?` })
    }
    return { pid, role: 'process', argv, url }
  }

  async #warmUpAndBaseline (): Promise<void> {
    const o = this.options
    let warmup: DriverResult | undefined
    if (warmupClients(o.load) > 0) {
      warmup = await this.#timed('warm-up', 0, async () => await this.#load(0))
      this.#checkLoad(0, warmup)
    }
    await this.#timed('baseline', 0, async () => {
      const links = this.#requireLinks()
      const settle = await this.#settleTarget(0)
      const baseline = await links.inventory('baseline')
      // What the log holds now happened before the baseline: the warm-up's sessions.
      await this.#catchUpLog(baseline)
      const used = await links.usedHeapAfterGc(0)
      const snapshots = await this.#snapshot('baseline')
      this.#rounds.push({ round: 0, load: warmup === undefined ? null : summarizeDriverResult(warmup), settle: settleRecord(settle), usedHeapAfterGcBytes: used, activeResources: sumCounts(baseline.map((i) => i.activeResources)), snapshots })
    })
    if (o.cpuProfile) await this.#requireLinks().each(async (l) => { await l.session.startCpuProfile() })
    if (o.heapProfile) await this.#requireLinks().each(async (l) => { await l.session.startHeapSampling() })
    this.#profiling = o.cpuProfile || o.heapProfile
  }

  async #round (round: number): Promise<void> {
    const o = this.options
    const record: RoundRecord = { round, load: null, settle: null, usedHeapAfterGcBytes: null, activeResources: {}, snapshots: [] }
    this.#rounds.push(record)
    await this.#timed('load', round, async () => {
      const result = await this.#load(round)
      // Recorded before it is judged: a round the target died in is still evidence.
      record.load = summarizeDriverResult(result)
      this.#loads.push(result)
      this.#clients.push(...(result.clientRecords ?? []))
      this.emit('load-done', { round, summary: record.load })
      this.#checkLoad(round, result)
    })
    const settle = await this.#timed('settle', round, async () => await this.#settleTarget(round))
    record.settle = settleRecord(settle)
    this.#settled = settle.stable
    if (round === o.rounds) await this.#stopProfiles()
    await this.#timed('inventory', round, async () => {
      const links = this.#requireLinks()
      const ends = await links.inventory('end')
      record.activeResources = sumCounts(ends.map((i) => i.activeResources))
      this.#serverEvents.push(...await this.#catchUpLog(ends))
      record.usedHeapAfterGcBytes = await links.usedHeapAfterGc(round)
    })
    if (o.heapSnapshots) record.snapshots = await this.#timed('snapshot', round, async () => await this.#snapshot(`round-${round}`))
  }

  /** The sessions are closed first, so that the target's exit is not mistaken for a loss; then both at once. */
  async #finish (): Promise<void> {
    await this.#links?.close()
    this.#current = 'heap comparison'
    const [, heap] = await Promise.allSettled([
      this.#timed('stop target', null, async () => { await this.#stopTarget() }),
      this.#timed('heap comparison', null, async () => { await this.#compareHeap() })
    ])
    if (heap.status === 'rejected') this.#errors.push(reportError(heap.reason))
  }

  // ── Steps ───────────────────────────────────────────────────────────────────

  /** Runs one round's load; an abort stops it (clients still leave), a dead target fails the round. */
  async #load (round: number): Promise<DriverResult> {
    this.#throwIfStopped()
    const driver = this.#deps.createDriver(this.options.load, round, this.#address)
    this.emit('load-start', { round, driver })
    const onStop = (): void => { driver.stop(this.#lost !== undefined ? 'target lost' : String(this.#stop.signal.reason ?? 'aborted')) }
    this.#stop.signal.addEventListener('abort', onStop, { once: true })
    try {
      return await driver.start()
    } finally {
      this.#stop.signal.removeEventListener('abort', onStop)
    }
  }

  /**
   * A load that could not reach the target at all fails the run; one stopped by an abort ends
   * it. How much of the load got through is judged later, by the load floor (report-model.ts).
   */
  #checkLoad (round: number, result: DriverResult): void {
    const name = round === 0 ? 'the warm-up' : `round ${round}`
    if (result.outcome !== 'complete' && result.outcome !== 'stopped') {
      throw new SoakLoadFailedError({ round: name, code: result.abort?.code ?? result.outcome, message: result.abort?.message ?? result.outcome })
    }
    this.#throwIfStopped()
  }

  async #settleTarget (round: number): Promise<SettleResult> {
    const links = this.#requireLinks()
    const result = await waitForSettle(async () => await links.sample(), this.#settle, {
      signal: this.#stop.signal,
      onSample: (sample) => this.emit('settle-sample', { round, sample })
    })
    if (!result.stable) this.#warn(`${round === 0 ? 'baseline' : `round ${round}`}: handle counts still changing after ${Math.round(result.elapsedMs)} ms`)
    return result
  }

  async #snapshot (phase: string): Promise<string[]> {
    if (!this.options.heapSnapshots) return []
    return await this.#requireLinks().snapshot(this.options.profilesDir, phase, (c) => {
      this.emit('capture', { kind: 'heap snapshot', path: c.path, bytes: c.bytes, ms: c.durationMs })
    })
  }

  async #stopProfiles (): Promise<void> {
    if (!this.#profiling) return
    this.#profiling = false
    const dir = this.options.profilesDir
    await this.#requireLinks().each(async (link, suffix) => {
      const captures: Array<['cpu profile' | 'heap profile', () => Promise<{ path: string, bytes: number, durationMs: number }>]> = []
      if (this.options.cpuProfile) captures.push(['cpu profile', async () => await link.session.stopCpuProfile(dir, `soak${suffix}`)])
      if (this.options.heapProfile) captures.push(['heap profile', async () => await link.session.stopHeapSampling(dir, `soak${suffix}`)])
      for (const [kind, stop] of captures) {
        const c = await stop()
        this.#profiles.push(c.path)
        this.emit('capture', { kind, path: c.path, bytes: c.bytes, ms: c.durationMs })
      }
    })
  }

  /**
   * Reads the lifecycle log until it holds every session the target's stats count: pino
   * writes asynchronously, so the last closes may still be on their way when handles settle.
   */
  async #catchUpLog (inventories: readonly Inventory[]): Promise<LifecycleEvent[]> {
    const log = this.#log
    if (log === undefined) return []
    const events = await log.read()
    const stat = (key: string): number | undefined => {
      const values = inventories.map((i) => i.stats?.[key])
      return values.every((v) => v !== undefined) ? values.reduce((n: number, v) => n + (v as number), 0) : undefined
    }
    const total = stat('connectionsTotal')
    const open = stat('connectionsOpen')
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

  /** Each process's snapshots compared on their own, one after the other (each holds a snapshot's worth of memory). */
  async #compareHeap (): Promise<void> {
    const o = this.options
    const links = this.#links?.links ?? []
    if (!o.heapSnapshots || links.length === 0) return
    if (o.rounds === 1) {
      this.#warn('one round: the heap comparison cannot tell growth from a cache that filled once, and a few stray survivors per client count as a leak; use --rounds 2 or more to confirm (docs/heap.md)')
    }
    const clock = this.#deps.clock
    const units = this.#loads.map((l) => l.unit.count)
    const accepted = links.map((l) => acceptedByRound({ baseline: l.baseline, ends: l.ends, port: this.#address.port }))
    for (const [i, link] of links.entries()) {
      const baseline = link.snapshots.find((s) => s.phase === 'baseline')
      const rounds = link.snapshots.filter((s) => s.phase.startsWith('round-')).map((s) => s.path)
      const final = rounds.at(-1)
      const end = link.ends.at(-1)
      if (baseline === undefined || final === undefined || link.baseline === undefined || end === undefined) continue
      this.#heap.set(link.pid, await compareHeapSnapshotFiles({
        baseline: baseline.path,
        rounds,
        final,
        finalIsRound: true,
        clientsPerRound: shareOfLoad(units, accepted, i),
        // Retainer paths of the JS objects of the handles the inventories found leaked.
        pathsFor: pathsForLeaks(diffInventories(link.baseline, end).leaked),
        // Enough distinct paths that the sampled objects are all accounted for: a suspect is set
        // aside as the harness's own only when every one of them runs through the harness.
        thresholds: { pathsPerSuspect: HEAP_PATHS_PER_SUSPECT },
        budget: new ScanBudget({ maxMs: o.heapTimeoutMs, now: clock }),
        maxMs: o.heapTimeoutMs,
        now: clock,
        onProgress: (e) => this.emit('heap-progress', e)
      }))
    }
  }

  async #stopTarget (): Promise<void> {
    const target = this.#target
    if (target === undefined) return
    const started = this.#deps.clock()
    const running = target.exitStatus === undefined
    const exit = await target.stop(this.options.stopGraceMs)
    if (running && exit.signal === 'SIGKILL') {
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
    const links = this.#links
    if (links === undefined || links.links.some((l) => l.baseline === undefined) || !links.connected || crash !== undefined) return
    try {
      // The profiles of an interrupted run are still worth having.
      await this.#stopProfiles()
    } catch (profileErr) {
      this.#warn(`profiles not written: ${profileErr instanceof Error ? profileErr.message : String(profileErr)}`)
    }
    try {
      await this.#timed('final inventory', null, async () => {
        const settle = await waitForSettle(async () => await links.sample(), { ...this.#settle, timeoutMs: FINAL_SETTLE_MS })
        this.#settled = settle.stable
        const ends = await links.inventory('end')
        this.#serverEvents.push(...await this.#catchUpLog(ends))
      })
    } catch (finalErr) {
      this.#warn(`no final inventory: ${finalErr instanceof Error ? finalErr.message : String(finalErr)}`)
    }
  }

  async #teardown (): Promise<void> {
    await this.#links?.close()
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

  #requireLinks (): TargetLinks {
    if (this.#links === undefined) throw new Error('no inspector session')
    return this.#links
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
      this.#phases.push({ name: label, ms: this.#deps.clock() - started, ...(name === 'load' ? { load: true } : {}) })
    }
  }

  #observations (startedAtMs: number): Observations {
    const o = this.options
    const exit: TargetExit | undefined = this.#target?.exitStatus ?? this.#startupExit
    const links = this.#links?.links ?? []
    const target: ReportTarget = {
      mode: o.target.kind,
      command: this.#target?.command ?? (o.target.kind === 'command' ? o.target.command : null),
      devtoolsUrl: links[0]?.url ?? null,
      pid: this.#pid,
      exit: exit === undefined ? null : { code: exit.code, signal: exit.signal, expected: exit.expected, stderrTail: exit.stderrTail },
      tree: [...(this.#target?.tree ?? [])]
    }
    const processes: ProcessObservation[] = links.map((l) => {
      const p: ProcessObservation = {
        pid: l.pid,
        role: l.role,
        argv: l.argv,
        devtoolsUrl: l.url,
        port: this.#address.port,
        ends: l.ends,
        usedAfterGc: [...l.usedHeap].map(([round, bytes]) => ({ phase: round === 0 ? 'baseline' : `round ${round}`, bytes })),
        snapshots: l.snapshots
      }
      if (l.baseline !== undefined) p.baseline = l.baseline
      const heap = this.#heap.get(l.pid)
      if (heap !== undefined) p.heapComparison = heap
      return p
    })
    const observations: Observations = {
      runId: o.runId,
      startedAtMs,
      finishedAtMs: this.#deps.now(),
      environment: environment(),
      target,
      settings: soakSettings(o),
      protocol: o.load.protocol,
      rounds: this.#rounds,
      processes,
      phases: this.#phases,
      files: { report: '', markdown: '', junit: null, profiles: this.#profiles },
      errors: this.#errors,
      warnings: this.#warnings,
      verdictConfig: o.verdict
    }
    if (this.#loads.length > 0) {
      const merged = mergeDriverResults(this.#loads)
      observations.load = summarizeDriverResult(merged, this.#loads.reduce((n, l) => n + (l.endedMs - l.startedMs), 0))
      if (merged.clientRecords !== null) observations.clients = this.#clients
    }
    if (this.#settled !== undefined) observations.settled = this.#settled
    // Without a log, lifecycle is accounted on the client side alone (docs/diagnosis.md).
    if (this.#log !== undefined) observations.serverEvents = this.#serverEvents
    if (this.#interruption !== undefined) observations.interruption = this.#interruption
    return observations
  }
}

/**
 * The load each process carried per round, for its heap comparison: the round's unit count
 * (clients, or requests) split by the connections each process accepted on the port. One
 * process carries it all; without the hooks' counter, an even split.
 */
export function shareOfLoad (units: readonly number[], accepted: ReadonlyArray<number[] | null>, index: number): number[] {
  if (accepted.length <= 1) return [...units]
  return units.map((n, round) => {
    const counts = accepted.map((a) => a?.[round])
    if (counts.some((c) => c === undefined)) return Math.round(n / accepted.length)
    const total = counts.reduce((s: number, c) => s + (c as number), 0)
    return total === 0 ? 0 : Math.round(n * (counts[index] as number) / total)
  })
}

function sumCounts (list: ReadonlyArray<Record<string, number>>): Record<string, number> {
  const out: Record<string, number> = {}
  for (const counts of list) for (const [k, n] of Object.entries(counts)) out[k] = (out[k] ?? 0) + n
  return out
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


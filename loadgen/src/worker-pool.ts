/**
 * `--workers N`: the same load spread over N child processes, each with its own event loop,
 * CPU and file-descriptor limit, presented as one engine with the same events and one result.
 *
 * Clients are split into contiguous id slices, so a room (contiguous ids too) spans at most two
 * workers. The parent is the barrier: it collects each worker's per-room counts and answers
 * with the sums once every worker still running has arrived; a worker that ended (stopped, its
 * target lost, crashed) no longer holds the others back. Ticks are merged once per tick period
 * from each worker's latest; results are merged with `mergeLoadResults`, exactly.
 */
import { EventEmitter } from 'node:events'
import { fork } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { ResolvedLoadOptions } from './load-options.js'
import { workerSlice } from './load-options.js'
import type { LoadResult } from './load-result.js'
import { mergeLoadResults } from './merge-load-results.js'
import { addRoomCounts } from './coordinator.js'
import type { BarrierName, RoomCounts } from './coordinator.js'
import { AlreadyStartedError, WorkerFailedError } from './errors.js'
import type { BarrierEvent, LoadEngine, LoadEvents, LoadPhase, TickEvent } from './load-events.js'
import type { ParentMessage, WorkerMessage } from './worker-protocol.js'
import { checkEphemeralPorts } from './ephemeral-ports.js'
import { createRunClock } from './clock.js'

const PHASES: readonly LoadPhase[] = ['connecting', 'sending', 'draining', 'quitting', 'done']

interface WorkerSlot {
  index: number
  slice: { start: number, end: number }
  child: ChildProcess
  running: boolean
  phase: LoadPhase
  result: LoadResult | undefined
  failure: string | undefined
  tick: TickEvent | undefined
  barrier: BarrierEvent | undefined
}

/** Where the worker main lives: beside this module when built, in dist/ when run from source. */
export function defaultWorkerEntry (): string {
  const sibling = fileURLToPath(new URL('./worker-entry.js', import.meta.url))
  if (existsSync(sibling)) return sibling
  return fileURLToPath(new URL('../../dist/loadgen/src/worker-entry.js', import.meta.url))
}

/** The engine of a `--workers N` run; see the module header. Use `createLoad` rather than this. */
export class WorkerPoolLoad extends EventEmitter<LoadEvents> implements LoadEngine {
  readonly options: ResolvedLoadOptions
  readonly #entry: string
  readonly #epochMs: number
  readonly #slots: WorkerSlot[] = []
  readonly #arrived = new Map<BarrierName, Map<number, RoomCounts>>()
  #started = false
  #phaseIndex = -1
  #barrierEmitted = false
  #tickTimer: NodeJS.Timeout | undefined
  #resolve: ((r: LoadResult) => void) | undefined
  #reject: ((e: Error) => void) | undefined

  constructor (options: ResolvedLoadOptions, init: { epochMs: number, workerEntry?: string }) {
    super()
    this.options = options
    this.#epochMs = init.epochMs
    this.#entry = init.workerEntry ?? defaultWorkerEntry()
  }

  start (): Promise<LoadResult> {
    if (this.#started) return Promise.reject(new AlreadyStartedError({ state: 'started' }))
    this.#started = true
    try {
      checkEphemeralPorts(this.options.clients, this.options.sourceAddresses.length, this.options.ports.length)
    } catch (err) {
      return Promise.reject(err)
    }
    const done = new Promise<LoadResult>((resolve, reject) => {
      this.#resolve = resolve
      this.#reject = reject
    })
    for (let w = 0; w < this.options.workers; w++) this.#spawn(w)
    const clock = createRunClock(this.#epochMs)
    const tickMs = this.options.tickMs
    this.#tickTimer = setInterval(() => this.#emitTick(clock.toEpochMs(clock.nowUs()) - this.#epochMs), tickMs)
    return done
  }

  stop (reason = 'stopped'): void {
    for (const s of this.#slots) if (s.running) this.#send(s, { type: 'stop', reason })
  }

  #spawn (w: number): void {
    const slice = workerSlice(this.options.clients, this.options.workers, w)
    const child = fork(this.#entry, [], {
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      execArgv: ['--enable-source-maps']
    })
    const slot: WorkerSlot = { index: w, slice, child, running: true, phase: 'connecting', result: undefined, failure: undefined, tick: undefined, barrier: undefined }
    this.#slots.push(slot)
    child.on('message', (m: WorkerMessage) => this.#onMessage(slot, m))
    child.on('error', err => { slot.failure ??= err.message })
    // A worker is gone once it exited *and* its IPC channel closed: 'exit' can come before the
    // last messages (its result) have been read from the channel.
    let exit: string | undefined
    let disconnected = false
    const gone = (): void => {
      if (exit === undefined || !disconnected) return
      if (slot.result === undefined) {
        slot.failure ??= `exited with ${exit} before sending its result`
        // The run lost a share of its clients and their counts: finish it now, with what the
        // others measured, rather than run on to a result that cannot be whole.
        this.stop(`worker ${slot.index} failed`)
      }
      this.#retire(slot)
      if (this.#slots.every(s => !s.running)) this.#finish()
    }
    child.on('disconnect', () => { disconnected = true; gone() })
    child.on('exit', (code, signal) => { exit = signal ?? `code ${code}`; gone() })
    // --connect-rate is the run's total: each worker ramps its slice at its share of it.
    const rampRate = this.options.connectRate / this.options.workers
    this.#send(slot, { type: 'start', options: this.options, worker: w, slice, epochMs: this.#epochMs, rampRate })
  }

  /** Events are re-emitted (ticks, phases and barriers merged first); barriers are answered. */
  #onMessage (slot: WorkerSlot, m: WorkerMessage): void {
    switch (m.type) {
      case 'event':
        if (m.name === 'tick') slot.tick = m.payload
        else if (m.name === 'phase') this.#onPhase(slot, m.payload)
        else if (m.name === 'barrier') this.#onBarrier(slot, m.payload)
        else this.emit(m.name, m.payload as never)
        return
      case 'sync':
        if (!this.#arrived.has(m.barrier)) this.#arrived.set(m.barrier, new Map())
        this.#arrived.get(m.barrier)?.set(slot.index, m.counts)
        this.#releaseBarriers()
        return
      case 'result':
        slot.result = m.result
        this.#retire(slot)
        return
      case 'failed':
        slot.failure = `${m.code}: ${m.message}`
        this.#retire(slot)
        // A worker that cannot start (fd limit, bad options) dooms the run: stop the others.
        this.stop(`worker ${slot.index} failed`)
    }
  }

  /** A worker no longer takes part in barriers or phases. */
  #retire (slot: WorkerSlot): void {
    if (!slot.running) return
    slot.running = false
    this.#releaseBarriers()
    this.#advancePhase()
  }

  #releaseBarriers (): void {
    const running = this.#slots.filter(s => s.running)
    for (const [barrier, arrived] of this.#arrived) {
      if (arrived.size === 0 || !running.every(s => arrived.has(s.index))) continue
      const sum: RoomCounts = {}
      for (const counts of arrived.values()) addRoomCounts(sum, counts)
      for (const s of running) this.#send(s, { type: 'sync-ok', barrier, counts: sum })
      arrived.clear()
    }
  }

  #onPhase (slot: WorkerSlot, phase: LoadPhase): void {
    slot.phase = phase
    this.#advancePhase()
  }

  /** The pool is in the earliest phase of its running workers. */
  #advancePhase (): void {
    const running = this.#slots.filter(s => s.running)
    const index = running.length === 0 ? PHASES.indexOf('quitting') : Math.min(...running.map(s => PHASES.indexOf(s.phase)))
    while (this.#phaseIndex < index) {
      this.#phaseIndex++
      this.emit('phase', PHASES[this.#phaseIndex] as LoadPhase)
    }
  }

  #onBarrier (slot: WorkerSlot, e: BarrierEvent): void {
    slot.barrier = e
    const running = this.#slots.filter(s => s.running)
    if (this.#barrierEmitted || !running.every(s => s.barrier !== undefined)) return
    this.#barrierEmitted = true
    this.emit('barrier', { joined: e.joined, failed: this.#slots.reduce((n, s) => n + (s.barrier?.failed ?? 0), 0) })
  }

  /** One tick for the pool from each worker's latest: counts add, percentiles take the maximum. */
  #emitTick (elapsedMs: number): void {
    const ticks = this.#slots.map(s => s.tick).filter((t): t is TickEvent => t !== undefined)
    if (ticks.length === 0) return
    const sum = (f: (t: TickEvent) => number): number => ticks.reduce((n, t) => n + f(t), 0)
    this.emit('tick', {
      elapsedMs,
      phase: PHASES[Math.max(0, this.#phaseIndex)] as LoadPhase,
      target: this.options.clients,
      connected: sum(t => t.connected),
      joined: sum(t => t.joined),
      sent: sum(t => t.sent),
      delivered: sum(t => t.delivered),
      deliveredPerS: sum(t => t.deliveredPerS),
      windowP99Ms: Math.max(...ticks.map(t => t.windowP99Ms)),
      errors: sum(t => t.errors),
      lagP99Ms: Math.max(...ticks.map(t => t.lagP99Ms)),
      cpuPct: sum(t => t.cpuPct)
    })
  }

  #finish (): void {
    if (this.#tickTimer !== undefined) clearInterval(this.#tickTimer)
    const results = this.#slots.map(s => s.result).filter((r): r is LoadResult => r !== undefined)
    const failed = this.#slots.filter(s => s.result === undefined)
    if (results.length === 0) {
      const first = failed[0] as WorkerSlot
      this.#reject?.(new WorkerFailedError({ worker: first.index, pid: first.child.pid, why: first.failure ?? 'no result' }))
      return
    }
    const merged = mergeLoadResults(results)
    if (failed.length > 0) {
      const first = failed[0] as WorkerSlot
      const err = new WorkerFailedError({ worker: first.index, pid: first.child.pid, why: first.failure ?? 'no result' })
      merged.outcome = 'worker-failed'
      merged.abort = { code: err.code, message: err.message }
      // The failed workers' clients were part of the run even though nothing came back from them.
      for (const s of failed) merged.clients.target += s.slice.end - s.slice.start
    }
    this.#advancePhase()
    this.emit('phase', 'done')
    this.emit('done', merged)
    this.#resolve?.(merged)
  }

  #send (slot: WorkerSlot, m: ParentMessage): void {
    if (slot.child.connected) slot.child.send(m)
  }
}

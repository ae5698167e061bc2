/**
 * The load engine for the clients of one process (all of them, or one worker's slice).
 *
 * Phases: connecting (ramp at connectRate, each client registers and joins) → barrier `joined`
 * → sending (each client at uniform random intervals, on an *intended* schedule that does not
 * slip when a timer fires late) → barrier `sent` → draining (until every receiver has what its
 * room sent, or drainTimeoutMs) → quitting (QUIT, wait for the server to close, or destroy after
 * quitTimeoutMs) → done.
 *
 * Memory is bounded by the number of clients, not by the run's length: counters, histograms of
 * fixed range, a sequence window per (receiver, sender) pair and a coarsening time series.
 *
 * The target is declared lost when every live connection has been closed or reset by the server
 * and a fresh connection is refused — a dead process, not a server that kicks clients.
 */
import { EventEmitter } from 'node:events'
import { connect } from 'node:net'
import { createHistogram, createRecorder, encodeHistogram } from './histograms.js'
import type { Histogram } from './histograms.js'
import { createRandom, uniform } from './random.js'
import { nickFor } from './nick.js'
import { channelName, roomCount, roomOf } from './load-options.js'
import type { ResolvedLoadOptions } from './load-options.js'
import { LOAD_RESULT_FORMAT, LOAD_RESULT_VERSION } from './load-result.js'
import type { ClientRecord, LoadAbort, LoadOutcome, LoadResult, RoomStats } from './load-result.js'
import { appendWindow, emptySeries } from './time-series.js'
import type { TimeSeries } from './time-series.js'
import { judgeBottleneck } from './bottleneck.js'
import { SelfMonitor } from './self-monitor.js'
import { ensureFdLimit } from './fd-limit.js'
import type { FdLimitReport } from './fd-limit.js'
import { checkEphemeralPorts } from './ephemeral-ports.js'
import { createRunClock } from './clock.js'
import type { RunClock } from './clock.js'
import type { Coordinator, RoomCounts } from './coordinator.js'
import { SimClient } from './sim-client.js'
import type { ClientHost } from './sim-client.js'
import { DUPLICATE, REORDERED } from './sequence-tracker.js'
import { AlreadyStartedError, TargetLostError, TargetUnreachableError } from './errors.js'
import type { LoadEngine, LoadEvents, LoadPhase, TickEvent } from './load-events.js'

/** Ramp granularity: connections are opened in small batches this often. */
const RAMP_STEP_MS = 10
/** Connect failures that mean "nobody listens there" rather than "this one connection failed". */
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH'])

export interface RunConfig {
  options: ResolvedLoadOptions
  /** Worker index (0 in a single-process run). */
  worker: number
  /** The client ids this process runs, [start, end). */
  slice: { start: number, end: number }
  epochMs: number
  /** Connections per second this process opens; default options.connectRate. */
  rampRate?: number
  coordinator: Coordinator
}

/** Running counters of one room, for the rooms of this process. */
type RoomTally = Omit<RoomStats, 'room' | 'channel'>

export class LoadRun extends EventEmitter<LoadEvents> implements LoadEngine, ClientHost {
  readonly options: ResolvedLoadOptions
  readonly readBuffer = Buffer.allocUnsafe(64 * 1024)
  readonly scratch = { sender: 0, seq: 0, intendedUs: 0 }
  reads = 0
  readonly nowUs: () => number

  readonly #cfg: RunConfig
  readonly #clock: RunClock
  readonly #random: () => number
  readonly #clients: SimClient[] = []
  readonly #firstRoom: number
  readonly #rooms: RoomTally[]
  readonly #monitor = new SelfMonitor()
  readonly #hist: Record<'connect' | 'register' | 'join' | 'fanout' | 'timerLateness', Histogram>
  /** The fan-out histogram as it was at the previous tick: the window is the difference. */
  readonly #fanoutAtTick: Histogram
  readonly #fanoutWindow: Histogram
  readonly #series: TimeSeries
  readonly #errors = new Map<string, number>()

  #state: 'idle' | 'running' | 'done' = 'idle'
  #phase: LoadPhase = 'connecting'
  #outcome: LoadOutcome = 'complete'
  #abort: LoadAbort | null = null
  #stopReason: string | null = null
  #fdReport: FdLimitReport = { soft: 0, hard: 0, needed: 0, raised: false }
  #startedMs = 0
  #resolve: ((r: LoadResult) => void) | undefined
  #done: Promise<LoadResult>

  // Ramp and setup
  #rampTimer: NodeJS.Timeout | undefined
  #nextToStart = 0
  #rampLastMs = 0
  #rampAllowance = 0
  #unsettled: number
  #open = 0
  #connectedNow = 0
  #everConnected = 0
  /** A probe connection is checking whether the target is still there (see #checkTargetLost). */
  #probing = false
  #finishAfterProbe = false

  // Counters (see ClientCounts / MessageCounts)
  #started = 0
  #connected = 0
  #registered = 0
  #joined = 0
  #globalJoined = 0
  #connectFailed = 0
  #joinFailed = 0
  #nickRetries = 0
  #droppedEarly = 0
  #quitClean = 0
  #quitTimedOut = 0
  #sent = 0
  #expected = 0
  #delivered = 0
  #unique = 0
  #duplicates = 0
  #reordered = 0
  #foreign = 0
  #errorCount = 0

  // Sending and draining
  #sendEndUs = Infinity
  #sendingClients = 0
  #outstanding = 0
  #draining = false
  #drainTimer: NodeJS.Timeout | undefined
  #quitTimer: NodeJS.Timeout | undefined

  // Ticks
  #tickTimer: NodeJS.Timeout | undefined
  #tickIndex = 0
  #windowSent = 0
  #windowDelivered = 0
  #windowErrors = 0
  #stopSignal: (() => void) | undefined

  constructor (cfg: RunConfig) {
    super()
    const o = cfg.options
    this.#cfg = cfg
    this.options = o
    this.#clock = createRunClock(cfg.epochMs)
    this.nowUs = this.#clock.nowUs
    // Each worker draws its own intervals; the seed keeps a run reproducible.
    this.#random = createRandom(o.seed + cfg.worker * 0x9e3779b1)
    this.#unsettled = cfg.slice.end - cfg.slice.start
    this.#firstRoom = roomOf(cfg.slice.start, o.roomSize)
    const lastRoom = cfg.slice.end > cfg.slice.start ? roomOf(cfg.slice.end - 1, o.roomSize) : this.#firstRoom - 1
    this.#rooms = Array.from({ length: lastRoom - this.#firstRoom + 1 }, () => ({ members: 0, sent: 0, expected: 0, unique: 0, duplicates: 0, reordered: 0 }))
    this.#hist = {
      connect: createHistogram(),
      register: createHistogram(),
      join: createHistogram(),
      // The two recorded on every delivery and send use the WebAssembly build (see histograms.ts).
      fanout: createRecorder(),
      timerLateness: createRecorder()
    }
    this.#fanoutAtTick = createRecorder()
    this.#fanoutWindow = createRecorder()
    this.#series = emptySeries(o.tickMs, o.seriesCapacity)
    this.#done = new Promise(resolve => { this.#resolve = resolve })
  }

  start (): Promise<LoadResult> {
    try {
      this.#begin()
    } catch (err) {
      return Promise.reject(err)
    }
    return this.#done
  }

  #begin (): void {
    if (this.#state !== 'idle') throw new AlreadyStartedError({ state: this.#state })
    const o = this.options
    checkEphemeralPorts(o.clients, o.sourceAddresses.length, o.ports.length)
    this.#fdReport = ensureFdLimit(this.#cfg.slice.end - this.#cfg.slice.start, o.workers)
    this.#state = 'running'
    this.#startedMs = this.#clock.toEpochMs(this.nowUs())
    this.#monitor.start()
    this.#scheduleTick()
    this.#setPhase('connecting')
    this.#rampLastMs = performance.now()
    this.#rampTimer = setInterval(() => this.#rampStep(), RAMP_STEP_MS)
    this.#rampStep()
    if (this.#unsettled === 0) void this.#barrierJoined()
  }

  stop (reason = 'stopped'): void {
    if (this.#state !== 'running' || this.#phase === 'quitting' || this.#phase === 'done') return
    this.#stopReason = reason
    if (this.#outcome === 'complete') this.#outcome = 'stopped'
    this.#stopSignal?.()
    this.#quitAll()
  }

  // ── ClientHost ────────────────────────────────────────────────────────────

  onConnected (c: SimClient): void {
    this.#connected++
    this.#connectedNow++
    this.#everConnected++
    this.#hist.connect.recordValue(Math.max(0, c.connectedUs - c.connectStartUs))
    if (this.listenerCount('connected') > 0) this.emit('connected', this.#clientEvent(c, c.connectedUs))
  }

  onRegistered (c: SimClient): void {
    this.#registered++
    this.#hist.register.recordValue(Math.max(0, c.registeredUs - c.connectedUs))
  }

  onJoined (c: SimClient): void {
    this.#joined++
    this.#hist.join.recordValue(Math.max(0, c.joinedUs - c.joinSentUs))
    if (this.listenerCount('joined') > 0) this.emit('joined', this.#clientEvent(c, c.joinedUs))
    this.#settled()
  }

  onSetupFailed (c: SimClient, kind: string, detail: string): void {
    if (c.state === 'connecting') this.#connectFailed++
    else this.#joinFailed++
    this.#count(c, kind, detail)
    if (c.state === 'connecting' && this.#everConnected === 0 && UNREACHABLE_CODES.has(kind)) {
      this.#end('target-unreachable', new TargetUnreachableError({ target: this.#target(), cause: `${kind}: ${detail}` }))
      return
    }
    if (this.#phase === 'connecting') this.#settled()
  }

  onError (c: SimClient, kind: string, detail: string): void {
    this.#count(c, kind, detail)
  }

  onNickRetry (): void {
    this.#nickRetries++
  }

  onDelivery (c: SimClient, kind: number, latencyUs: number): void {
    this.#delivered++
    this.#windowDelivered++
    const room = this.#rooms[c.room - this.#firstRoom] as RoomTally
    if (kind === DUPLICATE) {
      this.#duplicates++
      room.duplicates++
      return
    }
    this.#unique++
    room.unique++
    if (kind === REORDERED) {
      this.#reordered++
      room.reordered++
    }
    // Negative only through clock skew between worker processes; never below zero.
    const v = latencyUs > 0 ? latencyUs : 0
    this.#hist.fanout.recordValue(v)
    if (this.#draining && c.received <= c.expectedReceipts) {
      this.#outstanding--
      if (this.#outstanding <= 0) this.#quitAll()
    }
  }

  onForeign (): void {
    this.#foreign++
  }

  onClosed (c: SimClient, early: boolean): void {
    this.#open--
    if (c.connectedUs >= 0) this.#connectedNow--
    if (c.quitSentUs >= 0) {
      if (c.serverClosed && c.closedBy === 'server') this.#quitClean++
      else this.#quitTimedOut++
    } else if (early) {
      this.#droppedEarly++
      this.#count(c, c.closedBy === 'error' ? 'connection-reset' : 'server-closed', 'connection closed by the server before QUIT')
    }
    if (c.state === 'closed' && c.sendTimer === undefined && !c.doneSending && c.joinedUs >= 0 && this.#phase === 'sending') {
      this.#clientDoneSending(c)
    }
    if (this.#draining && c.expectedReceipts > c.received) {
      this.#outstanding -= c.expectedReceipts - c.received
      c.expectedReceipts = c.received
      if (this.#outstanding <= 0) this.#quitAll()
    }
    if (early && c.joinedUs < 0 && !c.setupFailed && this.#phase === 'connecting') {
      // Dropped during registration or join without a failure of its own: it will never join.
      this.#joinFailed++
      this.#settled()
    }
    // A dropped connection, or a refused one after others succeeded, may mean the target died.
    if (early || (c.connectedUs < 0 && UNREACHABLE_CODES.has(c.firstError ?? ''))) this.#checkTargetLost()
    if (this.#phase === 'quitting' && this.#open === 0) this.#finish()
  }

  // ── Phases ────────────────────────────────────────────────────────────────

  #rampStep (): void {
    const rate = this.#cfg.rampRate ?? this.options.connectRate
    const now = performance.now()
    // Cap the catch-up after a stall at 50 ms of ramp: a burst would overflow the server's
    // listen backlog (ngircd's is 10) and turn a slow loop into lost connects.
    this.#rampAllowance = Math.min(this.#rampAllowance + (rate * (now - this.#rampLastMs)) / 1000, Math.max(1, rate / 20))
    this.#rampLastMs = now
    const total = this.#cfg.slice.end - this.#cfg.slice.start
    while (this.#rampAllowance >= 1 && this.#nextToStart < total && this.#phase === 'connecting') {
      this.#rampAllowance--
      this.#startClient(this.#cfg.slice.start + this.#nextToStart++)
    }
    if (this.#nextToStart >= total || this.#phase !== 'connecting') this.#stopRamp()
  }

  #stopRamp (): void {
    if (this.#rampTimer !== undefined) clearInterval(this.#rampTimer)
    this.#rampTimer = undefined
  }

  #startClient (id: number): void {
    const o = this.options
    const rooms = roomCount(o.clients, o.roomSize)
    const room = roomOf(id, o.roomSize)
    const addresses = o.sourceAddresses
    const c = new SimClient(this, {
      id,
      room,
      channel: channelName(o.channel, room, rooms),
      nick: nickFor(o.nickPrefix, id),
      roomStart: room * o.roomSize,
      roomSize: Math.min(o.roomSize, o.clients - room * o.roomSize),
      // Several server instances: each room lives on one of them, round-robin.
      port: o.ports[room % o.ports.length] as number,
      localAddress: addresses.length > 0 ? addresses[id % addresses.length] : undefined
    })
    this.#clients.push(c)
    this.#started++
    this.#open++
    c.connect()
  }

  #settled (): void {
    this.#unsettled--
    if (this.#unsettled === 0 && this.#phase === 'connecting') void this.#barrierJoined()
  }

  async #barrierJoined (): Promise<void> {
    const local: RoomCounts = {}
    for (const c of this.#clients) if (c.state === 'joined') local[c.room] = (local[c.room] ?? 0) + 1
    const members = await this.#sync('joined', local)
    if (members === undefined || this.#phase !== 'connecting') return
    let global = 0
    for (const n of Object.values(members)) global += n
    this.#globalJoined = global
    for (let i = 0; i < this.#rooms.length; i++) (this.#rooms[i] as RoomTally).members = members[this.#firstRoom + i] ?? 0
    this.emit('barrier', { joined: global, failed: this.#connectFailed + this.#joinFailed })
    if (global === 0 && this.#everConnected === 0) {
      this.#end('target-unreachable', new TargetUnreachableError({ target: this.#target(), cause: 'no client could connect' }))
      return
    }
    this.#startSending()
  }

  #startSending (): void {
    const o = this.options
    this.#setPhase('sending')
    this.#monitor.markSendStart()
    const goUs = this.nowUs()
    if (o.durationS !== null) this.#sendEndUs = goUs + o.durationS * 1e6
    for (const c of this.#clients) {
      if (c.state !== 'joined') continue
      this.#sendingClients++
      c.nextSendUs = goUs + Math.round(uniform(this.#random, o.minIntervalMs, o.maxIntervalMs) * 1000)
      this.#scheduleSend(c)
    }
    if (this.#sendingClients === 0) void this.#barrierSent()
  }

  #scheduleSend (c: SimClient): void {
    const o = this.options
    if ((o.messages !== null && c.sent >= o.messages) || c.nextSendUs > this.#sendEndUs || c.state !== 'joined') {
      this.#clientDoneSending(c)
      return
    }
    const delayMs = (c.nextSendUs - this.nowUs()) / 1000
    c.sendTimer = setTimeout(() => this.#fire(c), delayMs > 0 ? delayMs : 0)
  }

  #fire (c: SimClient): void {
    c.sendTimer = undefined
    if (c.state !== 'joined' || this.#phase !== 'sending') {
      this.#clientDoneSending(c)
      return
    }
    const intended = c.nextSendUs
    const late = this.nowUs() - intended
    this.#hist.timerLateness.recordValue(late > 0 ? late : 0)
    c.send(intended)
    this.#sent++
    this.#windowSent++
    const room = this.#rooms[c.room - this.#firstRoom] as RoomTally
    room.sent++
    // The message is owed to every other member that joined before the barrier.
    const owed = room.members - 1
    room.expected += owed
    this.#expected += owed
    // The schedule advances from the intended time, not from now: a late timer does not
    // push later messages back (coordinated omission).
    c.nextSendUs = intended + Math.round(uniform(this.#random, this.options.minIntervalMs, this.options.maxIntervalMs) * 1000)
    this.#scheduleSend(c)
  }

  #clientDoneSending (c: SimClient): void {
    if (c.doneSending) return
    c.doneSending = true
    if (c.sendTimer !== undefined) clearTimeout(c.sendTimer)
    c.sendTimer = undefined
    this.#sendingClients--
    if (this.#sendingClients === 0 && this.#phase === 'sending') void this.#barrierSent()
  }

  async #barrierSent (): Promise<void> {
    this.#setPhase('draining')
    const local: RoomCounts = {}
    for (let i = 0; i < this.#rooms.length; i++) local[this.#firstRoom + i] = (this.#rooms[i] as RoomTally).sent
    const sentByRoom = await this.#sync('sent', local)
    if (sentByRoom === undefined || this.#phase !== 'draining') return
    // Each live receiver is owed everything its room sent except its own messages.
    let outstanding = 0
    for (const c of this.#clients) {
      if (c.joinedUs < 0) continue
      c.expectedReceipts = c.state === 'closed' ? c.received : Math.max(c.received, (sentByRoom[c.room] ?? 0) - c.sent)
      outstanding += c.expectedReceipts - c.received
    }
    this.#outstanding = outstanding
    this.#draining = true
    if (outstanding <= 0) {
      this.#quitAll()
      return
    }
    this.#drainTimer = setTimeout(() => this.#quitAll(), this.options.drainTimeoutMs)
  }

  #quitAll (): void {
    if (this.#phase === 'quitting' || this.#phase === 'done') return
    this.#stopRamp()
    this.#draining = false
    if (this.#drainTimer !== undefined) clearTimeout(this.#drainTimer)
    this.#monitor.markSendEnd()
    this.#setPhase('quitting')
    for (const c of this.#clients) {
      if (c.sendTimer !== undefined) clearTimeout(c.sendTimer)
      c.sendTimer = undefined
      c.quit()
    }
    if (this.#open === 0) {
      this.#finish()
      return
    }
    this.#quitTimer = setTimeout(() => {
      for (const c of this.#clients) {
        if (c.state === 'closed') continue
        if (c.quitSentUs >= 0) this.#count(c, 'quit-timeout', `server did not close within ${this.options.quitTimeoutMs} ms of QUIT`)
        c.destroy()
      }
    }, this.options.quitTimeoutMs)
  }

  /** Ends the run early with an outcome and the error that explains it. */
  #end (outcome: LoadOutcome, err: { code: string, message: string }): void {
    if (this.#phase === 'done') return
    this.#outcome = outcome
    this.#abort = { code: err.code, message: err.message }
    this.#stopSignal?.()
    this.#quitAll()
  }

  /**
   * Every live connection is gone: is the target dead, or did it just close some clients?
   * One probe connection per server port; the target is lost when every port refuses.
   */
  #checkTargetLost (): void {
    if (this.#connectedNow > 0 || this.#probing || this.#everConnected === 0) return
    if (this.#phase === 'quitting' || this.#phase === 'done') return
    this.#probing = true
    const phase = this.#phase
    void Promise.all(this.options.ports.map(async port => await this.#probe(port))).then(refusals => {
      this.#probing = false
      if (refusals.every(r => r !== undefined)) {
        const lost = this.#connected
        this.#end('target-lost', new TargetLostError({ target: this.#target(), phase, lost, cause: `a new connection failed with ${refusals[0] ?? '?'}` }))
      }
      if (this.#finishAfterProbe) this.#finish()
    })
  }

  /** Resolves with the error code when a fresh connection to `port` fails, undefined otherwise. */
  async #probe (port: number): Promise<string | undefined> {
    return await new Promise(resolve => {
      const probe = connect({ host: this.options.host, port })
      const alive = (): void => {
        probe.destroy()
        resolve(undefined)
      }
      // A server that accepts, or one too busy to answer, is alive; only a refusal means dead.
      probe.setTimeout(this.options.connectTimeoutMs, alive)
      probe.once('connect', alive)
      probe.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message))
    })
  }

  /** Waits on the coordinator unless the run is stopped first (undefined then). */
  async #sync (barrier: 'joined' | 'sent', local: RoomCounts): Promise<RoomCounts | undefined> {
    const stopped = new Promise<undefined>(resolve => { this.#stopSignal = () => resolve(undefined) })
    try {
      return await Promise.race([this.#cfg.coordinator.sync(barrier, local), stopped])
    } finally {
      this.#stopSignal = undefined
    }
  }

  #setPhase (phase: LoadPhase): void {
    if (this.#phase === phase && phase !== 'connecting') return
    this.#phase = phase
    this.emit('phase', phase)
  }

  // ── Ticks and result ──────────────────────────────────────────────────────

  /** Arms the timer for the end of window `index` (ticks fall on multiples of tickMs since the epoch). */
  #scheduleTick (index = Math.floor(this.nowUs() / 1000 / this.options.tickMs)): void {
    const tickMs = this.options.tickMs
    this.#tickIndex = index
    const endMs = (index + 1) * tickMs
    this.#tickTimer = setTimeout(() => {
      this.#tick(index * tickMs)
      // Timers may fire a little early or very late: continue from the window we are in now,
      // but never label two windows with the same start.
      this.#scheduleTick(Math.max(index + 1, Math.floor(this.nowUs() / 1000 / tickMs)))
    }, Math.max(1, endMs - this.nowUs() / 1000))
  }

  #tick (windowStartMs: number): void {
    const o = this.options
    const { lagP99Ms, cpuMs } = this.#monitor.window()
    // One record per delivery, into the run's histogram; the window is (now − previous tick),
    // a few array passes per tick instead of a second record per delivery.
    let p99Us = 0
    if (this.#windowDelivered > 0) {
      const window = this.#fanoutWindow
      window.reset()
      window.add(this.#hist.fanout)
      window.subtract(this.#fanoutAtTick)
      p99Us = window.totalCount === 0 ? 0 : window.getValueAtPercentile(99)
      this.#fanoutAtTick.add(window)
    }
    appendWindow(this.#series, {
      startMs: windowStartMs,
      connected: this.#connectedNow,
      sent: this.#windowSent,
      delivered: this.#windowDelivered,
      errors: this.#windowErrors,
      p99Us,
      cpuMs,
      lagP99Ms
    })
    const tick: TickEvent = {
      elapsedMs: this.#clock.toEpochMs(this.nowUs()) - this.#startedMs,
      phase: this.#phase,
      target: this.#cfg.slice.end - this.#cfg.slice.start,
      connected: this.#connectedNow,
      joined: this.#joined,
      sent: this.#sent,
      delivered: this.#delivered,
      deliveredPerS: (this.#windowDelivered * 1000) / o.tickMs,
      windowP99Ms: p99Us / 1000,
      errors: this.#errorCount,
      lagP99Ms,
      cpuPct: (cpuMs * 100) / o.tickMs
    }
    this.#windowSent = 0
    this.#windowDelivered = 0
    this.#windowErrors = 0
    this.emit('tick', tick)
  }

  #finish (): void {
    if (this.#phase === 'done') return
    // Every client closed while a probe was deciding whether the target died: its answer
    // decides the outcome, so wait for it (bounded by connectTimeoutMs).
    if (this.#probing) {
      this.#finishAfterProbe = true
      return
    }
    if (this.#quitTimer !== undefined) clearTimeout(this.#quitTimer)
    if (this.#tickTimer !== undefined) clearTimeout(this.#tickTimer)
    this.#stopRamp()
    // The last, partial window.
    this.#tick((this.#tickIndex) * this.options.tickMs)
    this.#phase = 'done'
    this.#state = 'done'
    const result = this.#result()
    for (const h of [this.#hist.fanout, this.#hist.timerLateness, this.#fanoutAtTick, this.#fanoutWindow]) h.destroy()
    this.emit('phase', 'done')
    this.emit('done', result)
    this.#resolve?.(result)
  }

  #result (): LoadResult {
    const o = this.options
    const self = this.#monitor.finish()
    const timerLateness = encodeHistogram(this.#hist.timerLateness)
    const verdict = judgeBottleneck({
      lagP99Ms: self.lag.p99Ms,
      timerLatenessP99Ms: timerLateness.p99 / 1000,
      sendCpuFraction: self.sendWallMs > 0 ? self.sendCpuMs / self.sendWallMs : NaN
    }, o.bottleneck)
    const rooms: RoomStats[] = this.#rooms.map((r, i) => ({
      room: this.#firstRoom + i,
      channel: channelName(o.channel, this.#firstRoom + i, roomCount(o.clients, o.roomSize)),
      ...r
    }))
    return {
      format: LOAD_RESULT_FORMAT,
      version: LOAD_RESULT_VERSION,
      config: {
        host: o.host,
        port: o.ports[0] as number,
        ports: o.ports,
        clients: o.clients,
        channel: o.channel,
        roomSize: o.roomSize,
        rooms: roomCount(o.clients, o.roomSize),
        minIntervalMs: o.minIntervalMs,
        maxIntervalMs: o.maxIntervalMs,
        messages: o.messages,
        durationS: o.durationS,
        connectRate: o.connectRate,
        workers: o.workers,
        payloadBytes: o.payloadBytes,
        sourceAddresses: o.sourceAddresses
      },
      epochMs: this.#cfg.epochMs,
      startedMs: this.#startedMs,
      endedMs: this.#clock.toEpochMs(this.nowUs()),
      outcome: this.#outcome,
      abort: this.#abort ?? (this.#stopReason === null ? null : { code: 'stopped', message: `stopped: ${this.#stopReason}` }),
      clients: {
        target: this.#cfg.slice.end - this.#cfg.slice.start,
        started: this.#started,
        connected: this.#connected,
        registered: this.#registered,
        joined: this.#joined,
        connectFailed: this.#connectFailed,
        joinFailed: this.#joinFailed,
        nickRetries: this.#nickRetries,
        droppedEarly: this.#droppedEarly,
        quitClean: this.#quitClean,
        quitTimedOut: this.#quitTimedOut
      },
      messages: {
        sent: this.#sent,
        expected: this.#expected,
        delivered: this.#delivered,
        unique: this.#unique,
        duplicates: this.#duplicates,
        reordered: this.#reordered,
        lost: Math.max(0, this.#expected - this.#unique),
        foreign: this.#foreign
      },
      latency: {
        connect: encodeHistogram(this.#hist.connect),
        register: encodeHistogram(this.#hist.register),
        join: encodeHistogram(this.#hist.join),
        fanout: encodeHistogram(this.#hist.fanout),
        timerLateness
      },
      errors: Object.fromEntries([...this.#errors].sort(([a], [b]) => (a < b ? -1 : 1))),
      series: this.#series,
      self: {
        bottleneck: verdict.bottleneck,
        reasons: verdict.reasons,
        workers: [{
          worker: this.#cfg.worker,
          pid: process.pid,
          wallMs: self.wallMs,
          cpuUserMs: self.cpuUserMs,
          cpuSystemMs: self.cpuSystemMs,
          sendWallMs: self.sendWallMs,
          sendCpuMs: self.sendCpuMs,
          cpuPressure: self.cpuPressure,
          delivered: this.#delivered,
          reads: this.reads,
          eventLoopLag: self.lag,
          fdLimit: this.#fdReport,
          bottleneck: verdict.bottleneck,
          reasons: verdict.reasons
        }]
      },
      rooms,
      clientRecords: o.recordClients ? this.#clients.map(c => this.#record(c)) : null
    }
  }

  #record (c: SimClient): ClientRecord {
    const ms = (us: number): number | null => (us < 0 ? null : Math.round(this.#clock.toEpochMs(us) * 1000) / 1000)
    return {
      id: c.id,
      nick: c.nick,
      channel: c.channel,
      localAddress: c.boundAddress,
      localPort: c.localPort,
      connectStartMs: ms(c.connectStartUs) ?? 0,
      connectedMs: ms(c.connectedUs),
      registeredMs: ms(c.registeredUs),
      joinedMs: ms(c.joinedUs),
      quitSentMs: ms(c.quitSentUs),
      closedMs: ms(c.closedUs),
      closedBy: c.closedBy,
      serverClosed: c.serverClosed,
      error: c.firstError,
      sent: c.sent,
      received: c.received
    }
  }

  #count (c: SimClient, kind: string, detail: string): void {
    this.#errors.set(kind, (this.#errors.get(kind) ?? 0) + 1)
    this.#errorCount++
    this.#windowErrors++
    if (c.firstError === null) c.firstError = kind
    if (this.listenerCount('client-error') > 0) this.emit('client-error', { id: c.id, kind, detail })
  }

  #clientEvent (c: SimClient, us: number): { id: number, nick: string, channel: string, localAddress: string | null, localPort: number | null, atMs: number } {
    return { id: c.id, nick: c.nick, channel: c.channel, localAddress: c.boundAddress, localPort: c.localPort, atMs: this.#clock.toEpochMs(us) }
  }

  #target (): string {
    return `${this.options.host}:${this.options.ports.join(',')}`
  }
}

/**
 * The load engine for the clients of one process (all of them, or one worker's slice).
 *
 * Phases: connecting (ramp at connectRate, each client registers and joins) → barrier `joined`
 * → sending (each client at uniform random intervals, on an *intended* schedule that does not
 * slip when a timer fires late) → barrier `sent` → draining (until every receiver has what its
 * room sent, or drainTimeoutMs) → quitting (each client leaves in its disconnect style — QUIT,
 * FIN or reset — and waits for the server to close, or is destroyed after quitTimeoutMs) → done.
 *
 * Memory is bounded by the number of clients, not by the run's length: counters, histograms of
 * fixed range, a sequence window per (receiver, sender) pair and a coarsening time series.
 *
 * The target is declared lost when every live connection has been closed or reset by the server
 * and a fresh connection is refused — a dead process, not a server that kicks clients.
 */
import { EventEmitter } from 'node:events'
import { createRandom, uniform } from './random.js'
import { nickFor } from './nick.js'
import { channelName, roomCount, roomOf } from './load-options.js'
import type { ResolvedLoadOptions } from './load-options.js'
import { LOAD_RESULT_FORMAT, LOAD_RESULT_VERSION } from './load-result.js'
import type { LoadAbort, LoadOutcome, LoadResult } from './load-result.js'
import { LoadTally } from './load-tally.js'
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
import { disconnectCycle } from './disconnect.js'
import type { DisconnectStyle } from './disconnect.js'
import { probeTarget } from './target-probe.js'
import type { ClientHost } from './sim-client.js'
import { DUPLICATE } from './sequence-tracker.js'
import type { Delivery } from './sequence-tracker.js'
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

/** The engine of one process's clients; see the module header. Use `createLoad` rather than this. */
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
  readonly #tally: LoadTally
  readonly #monitor = new SelfMonitor()
  readonly #series: TimeSeries
  /** Style of client `id` is `#disconnectCycle[id % length]`: the same in every worker. */
  readonly #disconnectCycle: DisconnectStyle[]

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
  /** Clients not yet joined or failed: the `joined` barrier waits for zero. */
  #unsettled: number
  /** Sockets not yet closed (connecting or connected). */
  #open = 0
  #connectedNow = 0
  #everConnected = 0
  /** A probe connection is checking whether the target is still there (see #checkTargetLost). */
  #probing = false
  #finishAfterProbe = false

  // Sending and draining
  #sendEndUs = Infinity
  #sendingClients = 0
  /** Deliveries still owed to live receivers once the `sent` barrier told each its due. */
  #outstanding = 0
  #draining = false
  #drainTimer: NodeJS.Timeout | undefined
  #quitTimer: NodeJS.Timeout | undefined

  /** Socket reads from the start of sending to the end of draining. */
  #readsWhileSending = 0
  #readsAtSendStart: number | undefined

  // Ticks
  #tickTimer: NodeJS.Timeout | undefined
  #tickIndex = 0
  /** Resolves a pending barrier wait with `undefined` when the run is stopped. */
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
    const clients = cfg.slice.end - cfg.slice.start
    this.#unsettled = clients
    const firstRoom = roomOf(cfg.slice.start, o.roomSize)
    const lastRoom = clients > 0 ? roomOf(cfg.slice.end - 1, o.roomSize) : firstRoom - 1
    this.#tally = new LoadTally(clients, firstRoom, lastRoom - firstRoom + 1)
    this.#series = emptySeries(o.tickMs, o.seriesCapacity)
    this.#disconnectCycle = disconnectCycle(o.disconnect)
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
    this.#tally.clients.connected++
    this.#connectedNow++
    this.#everConnected++
    this.#tally.recordStep('connect', c.connectedUs - c.connectStartUs)
    if (this.listenerCount('connected') > 0) this.emit('connected', this.#clientEvent(c, c.connectedUs))
  }

  onRegistered (c: SimClient): void {
    this.#tally.clients.registered++
    this.#tally.recordStep('register', c.registeredUs - c.connectedUs)
  }

  onJoined (c: SimClient): void {
    this.#tally.clients.joined++
    this.#tally.recordStep('join', c.joinedUs - c.joinSentUs)
    if (this.listenerCount('joined') > 0) this.emit('joined', this.#clientEvent(c, c.joinedUs))
    this.#settled()
  }

  onSetupFailed (c: SimClient, kind: string, detail: string): void {
    if (c.state === 'connecting') this.#tally.clients.connectFailed++
    else this.#tally.clients.joinFailed++
    this.#count(c, kind, detail)
    // Nothing has ever connected and this one was refused: do not ramp thousands more into
    // the same refusal, end now.
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
    this.#tally.clients.nickRetries++
  }

  onDelivery (c: SimClient, kind: Delivery, latencyUs: number): void {
    this.#tally.recordDelivery(c.room, kind, latencyUs)
    // The client already counted a distinct delivery in `received`; one fewer is owed.
    if (this.#draining && kind !== DUPLICATE && c.received <= c.expectedReceipts) {
      this.#outstanding--
      if (this.#outstanding <= 0) this.#quitAll()
    }
  }

  onForeign (): void {
    this.#tally.messages.foreign++
  }

  onClosed (c: SimClient, early: boolean): void {
    this.#open--
    if (c.connectedUs >= 0) this.#connectedNow--
    const k = this.#tally.clients
    if (c.disconnect === 'quit') {
      if (c.serverClosed && c.closedBy === 'server') k.quitClean++
      else k.quitTimedOut++
    } else if (c.disconnect === 'close') {
      if (c.serverClosed) k.hangupClean++
      else k.hangupTimedOut++
    } else if (c.disconnect === 'reset') {
      k.resets++
    } else if (early) {
      k.droppedEarly++
      this.#count(c, c.closedBy === 'error' ? 'connection-reset' : 'server-closed', 'connection closed by the server before QUIT')
    }
    // A sender that died will send no more; the `sent` barrier must not wait for it.
    if (c.state === 'closed' && c.sendTimer === undefined && !c.doneSending && c.joinedUs >= 0 && this.#phase === 'sending') {
      this.#clientDoneSending(c)
    }
    // A receiver that died will receive no more; what it missed is already loss.
    if (this.#draining && c.expectedReceipts > c.received) {
      this.#outstanding -= c.expectedReceipts - c.received
      c.expectedReceipts = c.received
      if (this.#outstanding <= 0) this.#quitAll()
    }
    if (early && c.joinedUs < 0 && !c.setupFailed && this.#phase === 'connecting') {
      // Dropped during registration or join without a failure of its own: it will never join.
      k.joinFailed++
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
    this.#tally.clients.started++
    this.#open++
    c.connect()
  }

  #settled (): void {
    this.#unsettled--
    if (this.#unsettled === 0 && this.#phase === 'connecting') void this.#barrierJoined()
  }

  /**
   * Every client of this process has joined or failed. The barrier sums each room's members
   * over all processes: a message is owed to exactly the members that joined before sending
   * started, so late joiners and failures never count as loss.
   */
  async #barrierJoined (): Promise<void> {
    const local: RoomCounts = {}
    for (const c of this.#clients) if (c.state === 'joined') local[c.room] = (local[c.room] ?? 0) + 1
    const members = await this.#sync('joined', local)
    if (members === undefined || this.#phase !== 'connecting') return
    let global = 0
    for (const n of Object.values(members)) global += n
    this.#tally.setMembers(members)
    const k = this.#tally.clients
    this.emit('barrier', { joined: global, failed: k.connectFailed + k.joinFailed })
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
    this.#readsAtSendStart = this.reads
    const goUs = this.nowUs()
    if (o.durationS !== null) this.#sendEndUs = goUs + o.durationS * 1e6
    for (const c of this.#clients) {
      if (c.state !== 'joined') continue
      this.#sendingClients++
      // The first send is a full random interval away, so clients do not start in lockstep.
      c.nextSendUs = goUs + Math.round(uniform(this.#random, o.minIntervalMs, o.maxIntervalMs) * 1000)
      this.#scheduleSend(c)
    }
    if (this.#sendingClients === 0) void this.#barrierSent()
  }

  /** Arms the client's next send, or marks it done (count reached, duration over, or gone). */
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
    c.send(intended)
    this.#tally.recordSend(c.room, this.nowUs() - intended)
    // The schedule advances from the intended time, not from now: a late timer does not
    // push later messages back (coordinated omission).
    c.nextSendUs = intended + Math.round(uniform(this.#random, this.options.minIntervalMs, this.options.maxIntervalMs) * 1000)
    this.#scheduleSend(c)
  }

  #clientDoneSending (c: SimClient): void {
    if (c.doneSending) return
    c.doneSending = true
    this.#tally.messages.planned += c.sent + this.#unsent(c)
    if (c.sendTimer !== undefined) clearTimeout(c.sendTimer)
    c.sendTimer = undefined
    this.#sendingClients--
    if (this.#sendingClients === 0 && this.#phase === 'sending') void this.#barrierSent()
  }

  /**
   * Sends a client that stopped sending still had in its plan: none when it sent its count or
   * its next send fell past the duration; otherwise (it was dropped, or the run stopped) the
   * rest of its count, or of the duration at the mean interval.
   */
  #unsent (c: SimClient): number {
    const o = this.options
    if ((o.messages !== null && c.sent >= o.messages) || c.nextSendUs > this.#sendEndUs) return 0
    if (o.messages !== null) return o.messages - c.sent
    const meanUs = ((o.minIntervalMs + o.maxIntervalMs) / 2) * 1000
    return Math.max(1, Math.ceil((this.#sendEndUs - Math.max(c.nextSendUs, this.nowUs())) / meanUs))
  }

  /**
   * This process has sent its last message. The barrier sums what each room sent over all
   * processes, so every receiver knows exactly how many deliveries are still owed to it and the
   * drain ends as soon as they are in — no guessing with a quiet period.
   */
  async #barrierSent (): Promise<void> {
    this.#setPhase('draining')
    const local: RoomCounts = {}
    for (const r of this.#tally.roomStats(String)) local[r.room] = r.sent
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

  /** QUIT on every connection; a server that does not close within quitTimeoutMs is cut off. */
  #quitAll (): void {
    if (this.#phase === 'quitting' || this.#phase === 'done') return
    this.#stopRamp()
    this.#draining = false
    if (this.#drainTimer !== undefined) clearTimeout(this.#drainTimer)
    if (this.#readsAtSendStart !== undefined) this.#readsWhileSending = this.reads - this.#readsAtSendStart
    this.#readsAtSendStart = undefined
    this.#monitor.markSendEnd()
    this.#setPhase('quitting')
    const styles = this.#disconnectCycle
    for (const c of this.#clients) {
      if (c.sendTimer !== undefined) clearTimeout(c.sendTimer)
      c.sendTimer = undefined
      c.leave(styles[c.id % styles.length] as DisconnectStyle)
    }
    if (this.#open === 0) {
      this.#finish()
      return
    }
    this.#quitTimer = setTimeout(() => {
      for (const c of this.#clients) {
        if (c.state === 'closed') continue
        if (c.disconnect === 'quit') this.#count(c, 'quit-timeout', `server did not close within ${this.options.quitTimeoutMs} ms of QUIT`)
        else if (c.disconnect === 'close') this.#count(c, 'close-timeout', `server did not close its side within ${this.options.quitTimeoutMs} ms of our FIN`)
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

  /** Every live connection is gone: is the target dead, or did it just close some clients? */
  #checkTargetLost (): void {
    if (this.#connectedNow > 0 || this.#probing || this.#everConnected === 0) return
    if (this.#phase === 'quitting' || this.#phase === 'done') return
    this.#probing = true
    const phase = this.#phase
    void probeTarget(this.options.host, this.options.ports, this.options.connectTimeoutMs).then(refusals => {
      this.#probing = false
      // With several server instances, one dead among live ones is loss, not a lost target.
      if (refusals.every(r => r !== undefined)) {
        const lost = this.#tally.clients.connected
        this.#end('target-lost', new TargetLostError({ target: this.#target(), phase, lost, cause: `a new connection failed with ${refusals[0] ?? '?'}` }))
      }
      if (this.#finishAfterProbe) this.#finish()
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
    const w = this.#tally.closeWindow()
    appendWindow(this.#series, { startMs: windowStartMs, connected: this.#connectedNow, ...w, cpuMs, lagP99Ms })
    const tick: TickEvent = {
      elapsedMs: this.#clock.toEpochMs(this.nowUs()) - this.#startedMs,
      phase: this.#phase,
      target: this.#tally.clients.target,
      connected: this.#connectedNow,
      joined: this.#tally.clients.joined,
      sent: this.#tally.messages.sent,
      delivered: this.#tally.messages.delivered,
      deliveredPerS: (w.delivered * 1000) / o.tickMs,
      windowP99Ms: w.p99Us / 1000,
      errors: this.#tally.errorCount,
      lagP99Ms,
      cpuPct: (cpuMs * 100) / o.tickMs
    }
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
    this.#tally.destroy()
    this.emit('phase', 'done')
    this.emit('done', result)
    this.#resolve?.(result)
  }

  #result (): LoadResult {
    const o = this.options
    const self = this.#monitor.finish()
    const latency = this.#tally.latency()
    const verdict = judgeBottleneck({
      lagP99Ms: self.lag.p99Ms,
      timerLatenessP99Ms: latency.timerLateness.p99 / 1000,
      sendCpuFraction: self.sendWallMs > 0 ? self.sendCpuMs / self.sendWallMs : NaN
    }, o.bottleneck)
    const rooms = roomCount(o.clients, o.roomSize)
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
        rooms,
        minIntervalMs: o.minIntervalMs,
        maxIntervalMs: o.maxIntervalMs,
        messages: o.messages,
        durationS: o.durationS,
        connectRate: o.connectRate,
        workers: o.workers,
        payloadBytes: o.payloadBytes,
        sourceAddresses: o.sourceAddresses,
        disconnect: o.disconnect
      },
      epochMs: this.#cfg.epochMs,
      startedMs: this.#startedMs,
      endedMs: this.#clock.toEpochMs(this.nowUs()),
      outcome: this.#outcome,
      abort: this.#abort ?? (this.#stopReason === null ? null : { code: 'stopped', message: `stopped: ${this.#stopReason}` }),
      clients: { ...this.#tally.clients },
      messages: this.#tally.messageCounts(),
      latency,
      errors: this.#tally.errorCounts(),
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
          delivered: this.#tally.messages.delivered,
          reads: this.#readsWhileSending,
          eventLoopLag: self.lag,
          fdLimit: this.#fdReport,
          bottleneck: verdict.bottleneck,
          reasons: verdict.reasons
        }]
      },
      rooms: this.#tally.roomStats(room => channelName(o.channel, room, rooms)),
      clientRecords: o.recordClients ? this.#clients.map(c => c.toRecord(this.#clock.toEpochMs)) : null
    }
  }

  #count (c: SimClient, kind: string, detail: string): void {
    this.#tally.countError(kind)
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

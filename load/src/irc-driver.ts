/**
 * The IRC load as a load driver: the loadgen's engine (loadgen/src/create-load.ts) with its
 * result mapped to the protocol-neutral {@link DriverResult} — clients joined are the
 * handshake, messages sent the operations, fan-out latency the latency, each client's record
 * the lifecycle — and its ticks and barrier to the driver's events.
 */
import { EventEmitter } from 'node:events'
import type { ClientLifecycle } from '../../diagnosis/src/lifecycle-match.js'
import { createLoad } from '../../loadgen/src/create-load.js'
import type { LoadEngine, TickEvent } from '../../loadgen/src/load-events.js'
import type { LoadOptions } from '../../loadgen/src/load-options.js'
import type { ClientRecord, LoadResult } from '../../loadgen/src/load-result.js'
import type { DriverOutcome, DriverResult, LoadDriver, LoadDriverEvents } from './load-driver.js'

export class IrcDriver extends EventEmitter<LoadDriverEvents> implements LoadDriver {
  readonly protocol = 'irc' as const
  readonly clients: number
  readonly #engine: LoadEngine

  /** @throws {InvalidLoadOptionError} for an invalid load option */
  constructor (options: LoadOptions, create: (o: LoadOptions) => LoadEngine = createLoad) {
    super()
    this.#engine = create(options)
    this.clients = this.#engine.options.clients
    this.#engine.on('phase', (p) => { if (p !== 'done') this.emit('phase', p) })
    this.#engine.on('barrier', (b) => this.emit('note', `barrier: ${b.joined} joined, ${b.failed} failed — sending starts`))
    this.#engine.on('tick', (t) => this.emit('tick', ircTick(t)))
  }

  async start (): Promise<DriverResult> {
    const result = ircDriverResult(await this.#engine.start())
    this.emit('done', result)
    return result
  }

  stop (reason?: string): void {
    this.#engine.stop(reason)
  }
}

/** A loadgen result as a driver result. Pure. */
export function ircDriverResult (r: LoadResult): DriverResult {
  const outcome: DriverOutcome = r.outcome === 'worker-failed' ? 'failed' : r.outcome
  return {
    protocol: 'irc',
    outcome,
    abort: r.abort,
    startedMs: r.startedMs,
    endedMs: r.endedMs,
    clients: r.clients.target,
    connected: r.clients.connected,
    handshaked: r.clients.joined,
    operations: { planned: r.messages.planned, sent: r.messages.sent, completed: r.messages.sent },
    errors: { ...r.errors },
    latency: r.latency.fanout,
    unit: { noun: 'client', count: r.clients.connected },
    irc: { messagesSent: r.messages.sent, expected: r.messages.expected, delivered: r.messages.unique, lost: r.messages.lost, duplicates: r.messages.duplicates },
    http: null,
    clientRecords: r.clientRecords === null ? null : r.clientRecords.map(clientLifecycle)
  }
}

/**
 * A loadgen client record as the lifecycle match reads it: `localAddress` is `ip:port`, the
 * way the server logs its `remote` (`[ip]:port` for IPv6).
 */
export function clientLifecycle (c: ClientRecord): ClientLifecycle {
  const lifecycle: ClientLifecycle = { nick: c.nick }
  if (c.localAddress !== null && c.localPort !== null) {
    lifecycle.localAddress = c.localAddress.includes(':') ? `[${c.localAddress}]:${c.localPort}` : `${c.localAddress}:${c.localPort}`
  }
  if (c.connectedMs !== null) lifecycle.connectedAt = c.connectedMs
  if (c.registeredMs !== null) lifecycle.registeredAt = c.registeredMs
  if (c.closedMs !== null) lifecycle.closedAt = c.closedMs
  if (c.closedBy !== null) lifecycle.closedBy = c.closedBy
  return lifecycle
}

function ircTick (t: TickEvent): LoadDriverEvents['tick'][0] {
  return {
    elapsedMs: t.elapsedMs,
    phase: t.phase,
    clients: t.target,
    connected: t.connected,
    sent: t.sent,
    completedPerS: t.deliveredPerS,
    completedLabel: 'delivered/s',
    windowP99Ms: t.windowP99Ms,
    errors: t.errors,
    lagP99Ms: t.lagP99Ms
  }
}

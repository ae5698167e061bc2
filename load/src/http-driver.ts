/**
 * HTTP load as a load driver, with autocannon as the engine (its programmatic API, so the soak
 * gets the same load the `autocannon` command would make). What it adds for a soak:
 *
 * - Latency into an HDR histogram in microseconds, encoded like the IRC load's, so rounds merge
 *   exactly; with `rate`, each value is corrected for coordinated omission with the connection's
 *   expected interval (HdrHistogram's `recordValueWithExpectedInterval`, as wrk2 does).
 * - Responses by status class, errors and timeouts by kind, connections that got a response
 *   (the handshake), requests planned vs sent (the load floor).
 * - Every socket the load opened, and whether it was closed by the end of the round: a round
 *   waits (bounded) for its sockets to close, so that the target's inventory is not taken
 *   while the load itself still holds connections.
 * - A bound on every round: `amount` alone never ends against a server that does not answer,
 *   so a round stops at `maxDurationS` whatever happens.
 *
 * `keepAlive: false` sends `Connection: close` and reconnects after every response
 * (`reconnectRate: 1`), so each request exercises the server's connection close path.
 */
import { EventEmitter } from 'node:events'
import type { Socket } from 'node:net'
import autocannon from 'autocannon'
import type { AutocannonClient, AutocannonInstance, AutocannonRawResult, AutocannonRequest } from 'autocannon'
import { createRecorder, encodeHistogram } from '../../loadgen/src/histograms.js'
import type { DriverResult, HttpCounts, LoadDriver, LoadDriverEvents } from './load-driver.js'

/** One request of the sequence every connection cycles through. */
export interface HttpRequestSpec {
  method: string
  path: string
  headers?: Record<string, string>
  body?: string
}

/** What one round of HTTP load does. */
export interface HttpLoad {
  /** Concurrent connections. */
  connections: number
  requests: HttpRequestSpec[]
  /** Seconds of load; the round's bound when `amount` is set. */
  durationS: number
  /** Requests in all, instead of a duration; null: run for `durationS`. */
  amount: number | null
  /** Requests per second overall; null: as fast as the target answers. */
  rate: number | null
  pipelining: number
  keepAlive: boolean
  /** Seconds to wait for a response before counting a timeout. */
  timeoutS: number
}

export interface HttpTarget {
  host: string
  port: number
}

/** After the load stops, how long its sockets may take to close before they are counted open. */
const CLOSE_WAIT_MS = 2000

export class HttpDriver extends EventEmitter<LoadDriverEvents> implements LoadDriver {
  readonly protocol = 'http' as const
  readonly clients: number
  readonly #load: HttpLoad
  readonly #target: HttpTarget
  #instance: AutocannonInstance | undefined
  #started = false
  #stopReason: string | undefined

  constructor (load: HttpLoad, target: HttpTarget) {
    super()
    this.#load = load
    this.#target = target
    this.clients = load.connections
  }

  async start (): Promise<DriverResult> {
    if (this.#started) throw new Error('an HttpDriver runs once')
    this.#started = true
    const load = this.#load
    const recorder = createRecorder()
    const sockets = new Set<Socket>()
    let closed = 0
    const connectedClients = new Set<AutocannonClient>()
    const answeredClients = new Set<AutocannonClient>()
    const errors: Record<string, number> = {}
    const countError = (kind: string, n = 1): void => { errors[kind] = (errors[kind] ?? 0) + n }
    // Per connection, the interval its share of the rate asks for: what a response that took
    // longer made the load skip (coordinated omission).
    const expectedIntervalUs = load.rate === null ? 0 : 1e6 * Math.min(load.connections, load.rate) / load.rate
    const startedMs = Date.now()
    let window = { responses: 0, errors: 0 }
    const windowHist = createRecorder()
    let requested = 0

    const headersOf = (r: HttpRequestSpec): Record<string, string> | undefined =>
      load.keepAlive ? r.headers : { ...r.headers, connection: 'close' }
    const requests: AutocannonRequest[] = load.requests.map((r) => ({ method: r.method, path: r.path, headers: headersOf(r), body: r.body }))
    let elapsedMs = 0
    const raw = await new Promise<AutocannonRawResult>((resolve, reject) => {
      let bound: NodeJS.Timeout | undefined
      const instance = autocannon({
        url: `http://${this.#target.host.includes(':') ? `[${this.#target.host}]` : this.#target.host}:${this.#target.port}`,
        connections: load.connections,
        duration: load.durationS,
        ...(load.amount === null ? {} : { amount: load.amount }),
        ...(load.rate === null ? {} : { overallRate: load.rate }),
        ...(load.keepAlive ? {} : { reconnectRate: 1 }),
        timeout: load.timeoutS,
        pipelining: load.pipelining,
        requests,
        skipAggregateResult: true,
        // Our histogram does the correction, from the connection's own interval.
        ignoreCoordinatedOmission: true,
        setupClient: (client) => {
          client.on('request', () => { requested++ })
          // Every socket the connection opens (it reconnects after a reset, a timeout, or each
          // response without keep-alive), to know that each one was closed by the end.
          const connect = client._connect
          client._connect = function (this: AutocannonClient) {
            connect.call(this)
            const socket = this.conn
            sockets.add(socket)
            socket.once('connect', () => connectedClients.add(client))
            socket.once('close', () => { closed++ })
          }
        }
      }, (err, result) => {
        clearTimeout(bound)
        if (err === null) resolve(result)
        else reject(err)
      })
      this.#instance = instance
      if (this.#stopReason !== undefined) instance.stop()
      instance.on('response', (client: AutocannonClient, _status: number, _bytes: number, responseTimeMs: number) => {
        answeredClients.add(client)
        const us = Math.max(1, Math.round(responseTimeMs * 1000))
        if (expectedIntervalUs > 0) recorder.recordValueWithExpectedInterval(us, expectedIntervalUs)
        else recorder.recordValue(us)
        windowHist.recordValue(us)
        window.responses++
      })
      instance.on('reqError', (err: Error & { code?: string }) => {
        countError(err.code ?? (err.message === 'request timed out' ? 'timeout' : err.message))
        window.errors++
      })
      // autocannon ticks every second: the progress window.
      instance.on('tick', () => {
        elapsedMs += 1000
        this.emit('tick', {
          elapsedMs,
          phase: 'sending',
          clients: load.connections,
          connected: connectedClients.size,
          sent: requested,
          completedPerS: window.responses,
          completedLabel: 'responses/s',
          windowP99Ms: windowHist.getValueAtPercentile(99) / 1000,
          errors: Object.values(errors).reduce((n, v) => n + v, 0),
          lagP99Ms: 0
        })
        window = { responses: 0, errors: 0 }
        windowHist.reset()
      })
      // With `amount`, autocannon ends only once that many responses came back: bound the round anyway.
      if (load.amount !== null) bound = setTimeout(() => instance.stop(), load.durationS * 1000)
    })
    windowHist.destroy()
    // autocannon destroys its sockets as it stops; their close events follow.
    const deadline = Date.now() + CLOSE_WAIT_MS
    while (closed < sockets.size && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20))
    const stillOpen = [...sockets].filter((s) => !s.destroyed).length
    for (const s of sockets) s.destroy() // never leave a connection of ours behind
    const latency = encodeHistogram(recorder)
    recorder.destroy()
    const endedMs = Date.now()
    const http: HttpCounts = {
      requests: requested,
      responses: raw.totalCompletedRequests,
      s1xx: raw['1xx'],
      s2xx: raw['2xx'],
      s3xx: raw['3xx'],
      s4xx: raw['4xx'],
      s5xx: raw['5xx'],
      timeouts: raw.timeouts,
      errors: raw.errors,
      bytesRead: raw.totalBytes,
      connectionsOpened: sockets.size,
      connectionsClosed: sockets.size - stillOpen
    }
    const planned = load.amount ?? (load.rate === null ? null : Math.floor(load.rate * load.durationS))
    const outcome = this.#stopReason !== undefined ? 'stopped' : connectedClients.size === 0 ? 'target-unreachable' : 'complete'
    const result: DriverResult = {
      protocol: 'http',
      outcome,
      abort: outcome === 'complete'
        ? null
        : outcome === 'stopped'
          ? { code: 'stopped', message: this.#stopReason ?? 'stopped' }
          : { code: 'target-unreachable', message: `no connection to ${this.#target.host}:${this.#target.port} succeeded (${Object.keys(errors).join(', ') || 'no errors'})` },
      startedMs,
      endedMs,
      clients: load.connections,
      connected: connectedClients.size,
      handshaked: answeredClients.size,
      operations: { planned, sent: requested, completed: raw.totalCompletedRequests },
      errors,
      latency,
      unit: { noun: 'request', count: raw.totalCompletedRequests },
      irc: null,
      http,
      clientRecords: null
    }
    this.emit('done', result)
    return result
  }

  stop (reason = 'stopped'): void {
    this.#stopReason ??= reason
    this.#instance?.stop()
  }
}

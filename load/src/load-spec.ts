/**
 * What load a soak runs, per protocol, and the one place that turns it into a driver for a
 * round — so that the soak asks for "the driver of round k against host:port" and never looks
 * at the protocol.
 *
 * Warm-ups, and why: before the baseline, a small fast load initialises what the target
 * creates lazily on first use (channel maps, compiled code, a logger's buffers, Node's free
 * lists, an HTTP router's caches), so that none of it can look like a leak. IRC: min(clients,
 * 20) clients × 2 messages at 20–60 ms, leaving in the rounds' disconnect styles (every close
 * path runs once). HTTP: min(connections, 10) connections × 20 requests each, with the rounds'
 * requests and keep-alive setting.
 */
import { resolveDisconnect, formatDisconnect } from '../../loadgen/src/disconnect.js'
import type { DisconnectSpec } from '../../loadgen/src/disconnect.js'
import type { LoadEngine } from '../../loadgen/src/load-events.js'
import type { LoadOptions } from '../../loadgen/src/load-options.js'
import { resolveLoadOptions } from '../../loadgen/src/load-options.js'
import { nickPlanFits } from '../../loadgen/src/nick.js'
import { LoadOptionError } from './errors.js'
import { HttpDriver } from './http-driver.js'
import type { HttpLoad } from './http-driver.js'
import { IrcDriver } from './irc-driver.js'
import type { LoadDriver, LoadProtocol } from './load-driver.js'

/** The IRC load of each measured round: the loadgen's options except where it connects. */
export type IrcRoundLoad = Omit<LoadOptions, 'host' | 'port' | 'recordClients' | 'nickPrefix' | 'disconnect'> & {
  clients: number
  disconnect: DisconnectSpec
}

export interface IrcWarmup {
  /** 0 skips the warm-up. */
  clients: number
  messages: number
  minIntervalMs: number
  maxIntervalMs: number
}

export interface HttpWarmup {
  /** 0 skips the warm-up. */
  connections: number
  /** Requests in all. */
  amount: number
}

export type LoadSpec =
  | { protocol: 'irc', round: IrcRoundLoad, warmup: IrcWarmup }
  | { protocol: 'http', round: HttpLoad, warmup: HttpWarmup }

export const LOAD_DEFAULTS = {
  ircWarmupClients: 20,
  ircWarmupMessages: 2,
  ircWarmupMinIntervalMs: 20,
  ircWarmupMaxIntervalMs: 60,
  /** A leaky target may never close what a warm-up client left: the warm-up does not wait on that. */
  ircWarmupQuitTimeoutMs: 1000,
  httpWarmupConnections: 10,
  httpWarmupRequestsPerConnection: 20
} as const

export interface DriverDeps {
  /** The IRC engine factory (tests inject fakes); default the loadgen's `createLoad`. */
  createIrcLoad?: (o: LoadOptions) => LoadEngine
}

/** The IRC warm-up for a given round size. */
export function defaultIrcWarmup (clients: number): IrcWarmup {
  return {
    clients: Math.min(clients, LOAD_DEFAULTS.ircWarmupClients),
    messages: LOAD_DEFAULTS.ircWarmupMessages,
    minIntervalMs: LOAD_DEFAULTS.ircWarmupMinIntervalMs,
    maxIntervalMs: LOAD_DEFAULTS.ircWarmupMaxIntervalMs
  }
}

/** The HTTP warm-up for a given number of connections. */
export function defaultHttpWarmup (connections: number): HttpWarmup {
  const n = Math.min(connections, LOAD_DEFAULTS.httpWarmupConnections)
  return { connections: n, amount: n * LOAD_DEFAULTS.httpWarmupRequestsPerConnection }
}

/** Clients (IRC) or connections (HTTP) of each measured round. */
export function roundClients (spec: LoadSpec): number {
  return spec.protocol === 'irc' ? spec.round.clients : spec.round.connections
}

/** Clients or connections of the warm-up (0: none). */
export function warmupClients (spec: LoadSpec): number {
  return spec.protocol === 'irc' ? spec.warmup.clients : spec.warmup.connections
}

/**
 * The driver of `round` (0: the warm-up) against `target`.
 * @throws {InvalidLoadOptionError} @throws {LoadOptionError} for an invalid option
 */
export function createDriver (spec: LoadSpec, round: number, target: { host: string, port: number }, deps: DriverDeps = {}): LoadDriver {
  if (spec.protocol === 'http') {
    const load: HttpLoad = round > 0
      ? spec.round
      // A fixed amount, bounded by the rounds' duration.
      : { ...spec.round, connections: spec.warmup.connections, amount: spec.warmup.amount, rate: null }
    return new HttpDriver(load, target)
  }
  const base = { ...spec.round, host: target.host, port: target.port, recordClients: true, nickPrefix: nickPrefixFor(round, round === 0 ? spec.warmup.clients : spec.round.clients) }
  const options: LoadOptions = round > 0
    ? base
    : {
        ...base,
        clients: spec.warmup.clients,
        messages: spec.warmup.messages,
        durationS: undefined,
        minIntervalMs: spec.warmup.minIntervalMs,
        maxIntervalMs: spec.warmup.maxIntervalMs,
        quitTimeoutMs: Math.min(spec.round.quitTimeoutMs ?? Infinity, LOAD_DEFAULTS.ircWarmupQuitTimeoutMs),
        workers: 1
      }
  return new IrcDriver(options, deps.createIrcLoad)
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

/**
 * Checks the spec before anything starts, with the engines' own rules.
 * @throws {InvalidLoadOptionError} @throws {LoadOptionError}
 */
export function validateLoadSpec (spec: LoadSpec): void {
  if (spec.protocol === 'irc') {
    resolveLoadOptions({ ...spec.round, port: 1, nickPrefix: 'a', seed: 0 })
    resolveDisconnect(spec.round.disconnect)
    check('warmup.clients', spec.warmup.clients, Number.isInteger(spec.warmup.clients) && spec.warmup.clients >= 0, 'an integer ≥ 0')
    return
  }
  const l = spec.round
  check('connections', l.connections, Number.isInteger(l.connections) && l.connections >= 1, 'an integer ≥ 1')
  check('duration', l.durationS, Number.isFinite(l.durationS) && l.durationS > 0, 'seconds > 0')
  check('amount', l.amount, l.amount === null || (Number.isInteger(l.amount) && l.amount >= l.connections), `null or an integer ≥ the connections (${l.connections})`)
  check('rate', l.rate, l.rate === null || (Number.isFinite(l.rate) && l.rate > 0), 'null or requests per second > 0')
  check('pipelining', l.pipelining, Number.isInteger(l.pipelining) && l.pipelining >= 1, 'an integer ≥ 1')
  check('timeout', l.timeoutS, Number.isFinite(l.timeoutS) && l.timeoutS > 0, 'seconds > 0')
  check('requests', l.requests.length, l.requests.length > 0, 'at least one request')
  for (const [i, r] of l.requests.entries()) {
    check(`requests[${i}].path`, r.path, typeof r.path === 'string' && r.path.startsWith('/'), 'a path starting with /')
    check(`requests[${i}].method`, r.method, typeof r.method === 'string' && /^[A-Z]+$/.test(r.method), 'an upper-case HTTP method')
  }
  check('warmup.connections', spec.warmup.connections, Number.isInteger(spec.warmup.connections) && spec.warmup.connections >= 0, 'an integer ≥ 0')
}

/** The load's settings as flat values for the report. */
export function loadSettings (spec: LoadSpec): Record<string, string | number | boolean | null> {
  if (spec.protocol === 'http') {
    const l = spec.round
    return {
      protocol: 'http',
      clients: l.connections,
      requests: l.requests.map((r) => `${r.method} ${r.path}`).join(', '),
      durationS: l.durationS,
      amount: l.amount,
      rate: l.rate,
      pipelining: l.pipelining,
      keepAlive: l.keepAlive,
      timeoutS: l.timeoutS,
      warmupClients: spec.warmup.connections
    }
  }
  const l = spec.round
  return {
    protocol: 'irc',
    clients: l.clients,
    minIntervalMs: l.minIntervalMs ?? null,
    maxIntervalMs: l.maxIntervalMs ?? null,
    messages: l.messages ?? null,
    durationS: l.durationS ?? null,
    roomSize: l.roomSize ?? null,
    connectRate: l.connectRate ?? null,
    workers: l.workers ?? null,
    disconnect: formatDisconnect(resolveDisconnect(l.disconnect)),
    seed: l.seed ?? null,
    warmupClients: spec.warmup.clients
  }
}

/** The protocol's name for a client, in messages ("clients", "connections"). */
export function clientNoun (protocol: LoadProtocol): string {
  return protocol === 'irc' ? 'clients' : 'connections'
}

function check (name: string, value: unknown, ok: boolean, expected: string): void {
  if (!ok) throw new LoadOptionError({ name, value, expected })
}

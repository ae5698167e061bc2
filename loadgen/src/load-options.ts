/**
 * Load options: what a caller may pass, the defaults, and validation, pure.
 */
import { InvalidLoadOptionError } from './errors.js'
import { nickPlanFits, RFC_NICK_MAX } from './nick.js'
import { isValidChannel } from '../../protocol/src/names.js'
import { DEFAULT_BOTTLENECK_THRESHOLDS } from './bottleneck.js'
import type { BottleneckThresholds } from './bottleneck.js'
import { resolveDisconnect } from './disconnect.js'
import type { DisconnectMix, DisconnectSpec } from './disconnect.js'

export interface LoadOptions {
  /** Target address; default 127.0.0.1. */
  host?: string
  /**
   * Target port, or several ports of as many server instances on `host`: rooms are spread over
   * them round-robin (one process cannot hold more sockets than its fd limit, servers neither).
   * With several, a server that dies shows as dropped clients and loss, not as `target-lost`.
   */
  port: number | number[]
  /** Simulated clients; default 50. */
  clients?: number
  /** Each client sends at uniform random intervals in [min, max] ms; default 1000–3000. */
  minIntervalMs?: number
  maxIntervalMs?: number
  /** Messages per client (default 11 unless durationS is set). */
  messages?: number
  /** Length of the sending phase, seconds; with `messages` too, whichever ends first. */
  durationS?: number
  /** Connections opened per second during ramp-up; default 200. */
  connectRate?: number
  /** Channel; with several rooms, `<channel>-<n>`. Default `#soak`. */
  channel?: string
  /** Clients per room (bounds fan-out); default all clients in one room. */
  roomSize?: number
  /** Worker processes; default 1 (this process). */
  workers?: number
  /** Local addresses to connect from, round-robin (see source-addresses.ts). */
  sourceAddresses?: string[]
  /** List every client's lifecycle in the result (for the soak's lifecycle match). */
  recordClients?: boolean
  /** Pad each message's text to this many bytes; default 0 (no padding). */
  payloadBytes?: number
  /** Per-step timeouts, ms. */
  connectTimeoutMs?: number
  registerTimeoutMs?: number
  joinTimeoutMs?: number
  /** Longest wait for in-flight deliveries after the last send; default 5000. */
  drainTimeoutMs?: number
  /** Longest wait for the server to close after QUIT (or after our FIN); default 5000. */
  quitTimeoutMs?: number
  /**
   * How clients leave at the end: `quit` (default), `close` (FIN without QUIT), `reset` (RST),
   * `mix`, or weights per style (see disconnect.ts).
   */
  disconnect?: DisconnectSpec
  /** Nick prefix (letter first); default random `sXX`. */
  nickPrefix?: string
  /** Longest nick the server accepts; default 9 (RFC 2812). */
  nickMaxLength?: number
  /** Seed of the interval generator; default random. Same seed, same schedule. */
  seed?: number
  /** Tick (progress event and series window) period, ms; default 1000. */
  tickMs?: number
  /** Series windows kept before coarsening; default 600. */
  seriesCapacity?: number
  bottleneck?: Partial<BottleneckThresholds>
}

export interface ResolvedLoadOptions {
  host: string
  ports: number[]
  clients: number
  minIntervalMs: number
  maxIntervalMs: number
  messages: number | null
  durationS: number | null
  connectRate: number
  channel: string
  roomSize: number
  workers: number
  sourceAddresses: string[]
  recordClients: boolean
  payloadBytes: number
  connectTimeoutMs: number
  registerTimeoutMs: number
  joinTimeoutMs: number
  drainTimeoutMs: number
  quitTimeoutMs: number
  disconnect: DisconnectMix
  nickPrefix: string
  nickMaxLength: number
  seed: number
  tickMs: number
  seriesCapacity: number
  bottleneck: BottleneckThresholds
}

/** Defaults of the engine (the CLI's own defaults, e.g. 500 clients, are in cli/src/loadgen-options.ts). */
export const LOAD_DEFAULTS = {
  host: '127.0.0.1',
  clients: 50,
  minIntervalMs: 1000,
  maxIntervalMs: 3000,
  messages: 11,
  connectRate: 200,
  channel: '#soak',
  workers: 1,
  payloadBytes: 0,
  connectTimeoutMs: 10_000,
  registerTimeoutMs: 10_000,
  joinTimeoutMs: 10_000,
  drainTimeoutMs: 5000,
  quitTimeoutMs: 5000,
  nickMaxLength: RFC_NICK_MAX,
  tickMs: 1000,
  seriesCapacity: 600
} as const

/** IRC lines are at most 512 bytes; a PRIVMSG's prefix, command and channel take the rest. */
export const MAX_PAYLOAD_BYTES = 400

/**
 * Fills defaults and validates. `nickPrefix` and `seed` must be given (the engine draws them
 * at random when the caller did not), so that this function stays pure.
 * @throws {InvalidLoadOptionError} naming the first invalid option
 */
export function resolveLoadOptions (o: LoadOptions & { nickPrefix: string, seed: number }): ResolvedLoadOptions {
  const clients = o.clients ?? LOAD_DEFAULTS.clients
  const durationS = o.durationS ?? null
  const r: ResolvedLoadOptions = {
    host: o.host ?? LOAD_DEFAULTS.host,
    ports: Array.isArray(o.port) ? o.port : [o.port],
    clients,
    minIntervalMs: o.minIntervalMs ?? LOAD_DEFAULTS.minIntervalMs,
    maxIntervalMs: o.maxIntervalMs ?? LOAD_DEFAULTS.maxIntervalMs,
    messages: o.messages ?? (durationS === null ? LOAD_DEFAULTS.messages : null),
    durationS,
    connectRate: o.connectRate ?? LOAD_DEFAULTS.connectRate,
    channel: o.channel ?? LOAD_DEFAULTS.channel,
    roomSize: o.roomSize ?? clients,
    workers: o.workers ?? LOAD_DEFAULTS.workers,
    sourceAddresses: o.sourceAddresses ?? [],
    recordClients: o.recordClients ?? false,
    payloadBytes: o.payloadBytes ?? LOAD_DEFAULTS.payloadBytes,
    connectTimeoutMs: o.connectTimeoutMs ?? LOAD_DEFAULTS.connectTimeoutMs,
    registerTimeoutMs: o.registerTimeoutMs ?? LOAD_DEFAULTS.registerTimeoutMs,
    joinTimeoutMs: o.joinTimeoutMs ?? LOAD_DEFAULTS.joinTimeoutMs,
    drainTimeoutMs: o.drainTimeoutMs ?? LOAD_DEFAULTS.drainTimeoutMs,
    quitTimeoutMs: o.quitTimeoutMs ?? LOAD_DEFAULTS.quitTimeoutMs,
    disconnect: resolveDisconnect(o.disconnect),
    nickPrefix: o.nickPrefix,
    nickMaxLength: o.nickMaxLength ?? LOAD_DEFAULTS.nickMaxLength,
    seed: o.seed,
    tickMs: o.tickMs ?? LOAD_DEFAULTS.tickMs,
    seriesCapacity: o.seriesCapacity ?? LOAD_DEFAULTS.seriesCapacity,
    bottleneck: { ...DEFAULT_BOTTLENECK_THRESHOLDS, ...o.bottleneck }
  }
  check('port', Array.isArray(o.port) ? o.port : r.ports[0], r.ports.length > 0 && r.ports.every(p => Number.isInteger(p) && p > 0 && p < 65536),
    'an integer 1–65535, or a non-empty list of them')
  check('host', r.host, typeof r.host === 'string' && r.host.length > 0, 'a host name or address')
  check('clients', r.clients, Number.isInteger(r.clients) && r.clients >= 1, 'an integer ≥ 1')
  check('minIntervalMs', r.minIntervalMs, Number.isFinite(r.minIntervalMs) && r.minIntervalMs >= 0, 'a number ≥ 0')
  check('maxIntervalMs', r.maxIntervalMs, Number.isFinite(r.maxIntervalMs) && r.maxIntervalMs >= r.minIntervalMs && r.maxIntervalMs > 0,
    `a number > 0 and ≥ minIntervalMs (${r.minIntervalMs})`)
  check('messages', r.messages, r.messages === null || (Number.isInteger(r.messages) && r.messages >= 0), 'an integer ≥ 0')
  check('durationS', r.durationS, r.durationS === null || (Number.isFinite(r.durationS) && r.durationS > 0), 'a number > 0')
  check('connectRate', r.connectRate, Number.isFinite(r.connectRate) && r.connectRate > 0, 'a number > 0 (connections/s)')
  check('roomSize', r.roomSize, Number.isInteger(r.roomSize) && r.roomSize >= 1, 'an integer ≥ 1')
  const rooms = roomCount(r.clients, r.roomSize)
  check('channel', r.channel, isValidChannel(r.channel) && isValidChannel(channelName(r.channel, rooms - 1, rooms)),
    'a channel name such as #soak (≤ 50 characters with the room suffix)')
  check('workers', r.workers, Number.isInteger(r.workers) && r.workers >= 1 && r.workers <= r.clients, `an integer 1–clients (${r.clients})`)
  check('payloadBytes', r.payloadBytes, Number.isInteger(r.payloadBytes) && r.payloadBytes >= 0 && r.payloadBytes <= MAX_PAYLOAD_BYTES,
    `an integer 0–${MAX_PAYLOAD_BYTES}`)
  for (const name of ['connectTimeoutMs', 'registerTimeoutMs', 'joinTimeoutMs', 'drainTimeoutMs', 'quitTimeoutMs', 'tickMs'] as const) {
    check(name, r[name], Number.isFinite(r[name]) && r[name] > 0, 'a number of ms > 0')
  }
  check('seriesCapacity', r.seriesCapacity, Number.isInteger(r.seriesCapacity) && r.seriesCapacity >= 2, 'an integer ≥ 2')
  check('nickMaxLength', r.nickMaxLength, Number.isInteger(r.nickMaxLength) && r.nickMaxLength >= 3, 'an integer ≥ 3')
  check('nickPrefix', r.nickPrefix, nickPlanFits(r.nickPrefix, r.clients, r.nickMaxLength),
    `a prefix starting with a letter, short enough that prefix + base-36 index + "_N" fits ${r.nickMaxLength} characters`)
  check('seed', r.seed, Number.isInteger(r.seed), 'an integer')
  return r
}

function check (name: string, value: unknown, ok: boolean, expected: string): void {
  if (!ok) throw new InvalidLoadOptionError({ name, value, expected })
}

/** Number of rooms of a run. */
export function roomCount (clients: number, roomSize: number): number {
  return Math.ceil(clients / roomSize)
}

/** The room of client `id`: clients are packed in id order, `roomSize` per room. */
export function roomOf (id: number, roomSize: number): number {
  return Math.floor(id / roomSize)
}

/** The channel of `room`: the base name when there is one room, else `<base>-<room>`. */
export function channelName (base: string, room: number, rooms: number): string {
  return rooms <= 1 ? base : `${base}-${room}`
}

/** The contiguous slice [start, end) of client ids that worker `w` of `workers` runs. */
export function workerSlice (clients: number, workers: number, w: number): { start: number, end: number } {
  return { start: Math.floor((w * clients) / workers), end: Math.floor(((w + 1) * clients) / workers) }
}

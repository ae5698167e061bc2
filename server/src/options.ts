/**
 * Options of the chat server, their defaults and their validation (pure).
 * Every limit here is what keeps per-client memory bounded; PROTOCOL.md lists them.
 */
import { ServerOptionError } from './errors.js'
import { isLeakKind, type LeakKind } from './leak-kinds.js'

/** What to do with a client whose send queue is full. */
export type SlowClientPolicy = 'disconnect' | 'drop'

export interface ChatServerOptions {
  /** Address to listen on. Default `127.0.0.1`. */
  host?: string
  /** Port; 0 picks any free port. Default 6667. */
  port?: number
  /** Name in the prefix of server replies. Default `soakwatch`. */
  serverName?: string
  /** Longest line accepted and sent, CR LF included (RFC 2812 §2.3: 512). */
  maxLineBytes?: number
  /** Bytes that may wait in one client's send queue before the slow-client policy applies. */
  sendQueueBytes?: number
  slowClient?: SlowClientPolicy
  /** A client silent for this long is sent a PING. */
  pingIntervalMs?: number
  /** A pinged client that stays silent this long is closed with `ERROR :Ping timeout`. */
  pingTimeoutMs?: number
  /** After the server ends a connection, how long it waits for the peer before destroying it. */
  lingerMs?: number
  /** Connections beyond this are refused with `ERROR :Server full`. */
  maxClients?: number
  /** Channels one client may be in at once (ISUPPORT CHANLIMIT). */
  maxChannelsPerClient?: number
  /** Longest nickname (ISUPPORT NICKLEN). */
  nickLength?: number
  /**
   * Least time between two flushes of the send queues, ms. 0 (default): every loop iteration.
   * More: under sustained load, lines wait up to this long so that more of them share each
   * write(2) — less CPU per delivery for up to this much latency (see FlushScheduler).
   */
  flushIntervalMs?: number
  /** Leak bugs to switch on; none by default. */
  leaks?: readonly LeakKind[]
}

export interface ResolvedOptions extends Required<Omit<ChatServerOptions, 'leaks'>> {
  leaks: ReadonlySet<LeakKind>
}

export const DEFAULT_OPTIONS: Readonly<ResolvedOptions> = Object.freeze({
  host: '127.0.0.1',
  port: 6667,
  serverName: 'soakwatch',
  maxLineBytes: 512,
  // InspIRCd's default client sendq; a full NAMES reply of a 10,000-member channel fits.
  sendQueueBytes: 256 * 1024,
  slowClient: 'disconnect',
  pingIntervalMs: 60_000,
  pingTimeoutMs: 30_000,
  lingerMs: 2_000,
  maxClients: 10_000,
  maxChannelsPerClient: 20,
  nickLength: 30,
  flushIntervalMs: 0,
  leaks: new Set<LeakKind>()
})

function integer (option: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new ServerOptionError({ option, value, expected: `an integer in [${min}, ${max}]` })
  }
  return value
}

/**
 * Fills in defaults and validates every option.
 * @throws {ServerOptionError} SW_SERVER_BAD_OPTION naming the first bad option and its value
 */
export function resolveOptions (options: ChatServerOptions = {}): ResolvedOptions {
  const o = { ...DEFAULT_OPTIONS, ...stripUndefined(options) }
  if (typeof o.host !== 'string' || o.host.length === 0) throw new ServerOptionError({ option: 'host', value: o.host, expected: 'a non-empty address' })
  if (typeof o.serverName !== 'string' || !/^[A-Za-z0-9.-]{1,63}$/.test(o.serverName)) {
    throw new ServerOptionError({ option: 'serverName', value: o.serverName, expected: 'letters, digits, dots and dashes, at most 63' })
  }
  if (o.slowClient !== 'disconnect' && o.slowClient !== 'drop') {
    throw new ServerOptionError({ option: 'slowClient', value: o.slowClient, expected: '"disconnect" or "drop"' })
  }
  const maxLineBytes = integer('maxLineBytes', o.maxLineBytes, 128, 65_536)
  const leaks = options.leaks ?? []
  for (const kind of leaks) {
    if (!isLeakKind(kind)) throw new ServerOptionError({ option: 'leaks', value: kind, expected: 'timer, socket, listener, registry or close-race' })
  }
  return {
    host: o.host,
    port: integer('port', o.port, 0, 65_535),
    serverName: o.serverName,
    maxLineBytes,
    // At least two full lines, so that one reply can always be queued.
    sendQueueBytes: integer('sendQueueBytes', o.sendQueueBytes, 2 * maxLineBytes, 1 << 30),
    slowClient: o.slowClient,
    pingIntervalMs: integer('pingIntervalMs', o.pingIntervalMs, 10, 86_400_000),
    pingTimeoutMs: integer('pingTimeoutMs', o.pingTimeoutMs, 10, 86_400_000),
    lingerMs: integer('lingerMs', o.lingerMs, 0, 600_000),
    maxClients: integer('maxClients', o.maxClients, 1, 1_000_000),
    maxChannelsPerClient: integer('maxChannelsPerClient', o.maxChannelsPerClient, 1, 1_000),
    nickLength: integer('nickLength', o.nickLength, 9, 64),
    flushIntervalMs: integer('flushIntervalMs', o.flushIntervalMs, 0, 1_000),
    leaks: new Set(leaks)
  }
}

function stripUndefined<T extends object> (o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>
}

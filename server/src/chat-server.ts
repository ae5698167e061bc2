/**
 * The chat server engine: accepts TCP connections, serves the IRC subset of PROTOCOL.md
 * through the chat hub, and reports each connection's life through typed events
 * (`open`, `registered`, `nick`, `close`). It prints nothing and never exits the process;
 * the CLI edge logs the events and publishes `stats()`.
 *
 * Shutdown contract: `close()` stops accepting, tells every client, and resolves once every
 * socket has closed; with no leak switched on, nothing of the server is left in the event
 * loop afterwards (no socket, timer or immediate), so a process that only ran it exits.
 */
import { EventEmitter } from 'node:events'
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net'
import { ChatHub } from './chat-hub.js'
import { Connection, type EngineCounters, type NoticeEvents } from './connection.js'
import { ServerListenError, ServerStateError } from './errors.js'
import type { ChatServerEvents, ChatServerStats, CloseEvent } from './events.js'
import { FlushScheduler } from './flush-scheduler.js'
import { resolveOptions, type ChatServerOptions, type ResolvedOptions } from './options.js'

export const SERVER_VERSION = 'soakwatch-0.1.0'

type State = 'new' | 'listening' | 'closing' | 'closed'

export class ChatServer extends EventEmitter<ChatServerEvents> {
  readonly options: ResolvedOptions
  readonly #net: Server
  readonly #hub: ChatHub
  readonly #scheduler: FlushScheduler
  readonly #notices = new EventEmitter<NoticeEvents>()
  readonly #connections = new Set<Connection>()
  readonly #counters: EngineCounters = {
    connectionsTotal: 0, drops: 0, slowClientDisconnects: 0, pingTimeouts: 0, overlongLines: 0, linesIn: 0, bytesIn: 0, bytesOut: 0
  }

  #state: State = 'new'
  #nextId = 1
  #closed: Promise<void> | undefined
  #resolveClosed: (() => void) | undefined
  #listenerClosed = false

  /** @throws {ServerOptionError} SW_SERVER_BAD_OPTION */
  constructor (options: ChatServerOptions = {}) {
    super()
    this.options = resolveOptions(options)
    const o = this.options
    this.#scheduler = new FlushScheduler(o.flushIntervalMs)
    this.#hub = new ChatHub({
      serverName: o.serverName,
      version: SERVER_VERSION,
      createdAt: new Date().toUTCString(),
      maxLineBytes: o.maxLineBytes,
      nickLength: o.nickLength,
      maxChannelsPerClient: o.maxChannelsPerClient
    }, {
      registered: m => this.emit('registered', { conn: m.id, nick: m.nick as string }),
      nickChanged: (m, from, to) => this.emit('nick', { conn: m.id, from, to })
    })
    // One shutdown listener per open connection is the design, not a leak.
    this.#notices.setMaxListeners(0)
    // Nagle off: writes are already batched per loop iteration (FlushScheduler), so Nagle
    // could only add its delayed-ACK stall (~40 ms on Linux) to fan-out latency.
    this.#net = createServer({ allowHalfOpen: true, noDelay: true }, this.#accept)
    this.#net.on('error', err => { if (this.#state !== 'new') this.emit('warning', err) })
  }

  /**
   * Starts listening on `options.host:options.port` (port 0: any free port).
   * @throws {ServerListenError} SW_SERVER_LISTEN with the socket error as cause
   * @throws {ServerStateError} SW_SERVER_STATE when already listening or closed
   */
  async listen (): Promise<{ host: string, port: number }> {
    if (this.#state !== 'new') throw new ServerStateError({ operation: 'listen', state: this.#state })
    const { host, port } = this.options
    await new Promise<void>((resolve, reject) => {
      const onError = (err: Error): void => reject(new ServerListenError({ host, port }, { cause: err }))
      this.#net.once('error', onError)
      this.#net.listen({ host, port, exclusive: true }, () => {
        this.#net.off('error', onError)
        resolve()
      })
    })
    this.#state = 'listening'
    return this.address() as { host: string, port: number }
  }

  /** The bound address, once listening. */
  address (): { host: string, port: number } | undefined {
    const a = this.#net.address() as AddressInfo | null
    return a === null ? undefined : { host: a.address, port: a.port }
  }

  /**
   * Graceful shutdown: stops accepting, sends every client `ERROR :Closing Link … (Server
   * shutting down)` and FIN, and resolves when every connection has closed (peers that do
   * not finish are destroyed after `lingerMs`). Idempotent.
   */
  close (): Promise<void> {
    if (this.#closed !== undefined) return this.#closed
    const wasListening = this.#state === 'listening'
    this.#state = 'closing'
    this.#closed = new Promise<void>(resolve => {
      this.#resolveClosed = resolve
      if (!wasListening) {
        this.#listenerClosed = true
        this.#closeIfDrained()
        return
      }
      this.#net.close(() => {
        this.#listenerClosed = true
        this.#closeIfDrained()
      })
      this.#notices.emit('shutdown')
    })
    return this.#closed
  }

  /** A snapshot of counters and gauges (plain numbers). */
  stats (): ChatServerStats {
    const c = this.#counters
    const h = this.#hub
    return {
      connectionsOpen: this.#connections.size,
      connectionsTotal: c.connectionsTotal,
      registered: h.counters.registered,
      channels: h.channels.size,
      nicks: h.nicks.size,
      noticeSubscribers: this.#notices.listenerCount('shutdown'),
      messagesRelayed: h.counters.messagesRelayed,
      deliveries: h.counters.deliveries,
      drops: c.drops,
      slowClientDisconnects: c.slowClientDisconnects,
      pingTimeouts: c.pingTimeouts,
      overlongLines: c.overlongLines,
      linesIn: c.linesIn,
      bytesIn: c.bytesIn,
      bytesOut: c.bytesOut
    }
  }

  readonly #accept = (socket: Socket): void => {
    this.#counters.connectionsTotal++
    const connection = new Connection(this.#nextId++, socket, {
      options: this.options,
      hub: this.#hub,
      scheduler: this.#scheduler,
      notices: this.#notices,
      counters: this.#counters,
      closed: this.#closedConnection
    })
    this.#connections.add(connection)
    this.emit('open', { conn: connection.id, remote: connection.remote })
    if (this.#state !== 'listening') {
      connection.close('shutdown', 'Server shutting down', 'Closing Link: Server shutting down')
    } else if (this.#connections.size > this.options.maxClients) {
      connection.close('server-full', 'Server full', 'Server full')
    }
  }

  readonly #closedConnection = (connection: Connection, event: CloseEvent): void => {
    this.#connections.delete(connection)
    this.emit('close', event)
    this.#closeIfDrained()
  }

  /**
   * Resolves `close()` once the listener is closed and every connection has reported its
   * close. net.Server's own callback is not enough: it counts a socket gone as soon as it is
   * destroyed, before the socket's 'close' event on which the connection reports.
   */
  #closeIfDrained (): void {
    if (this.#state !== 'closing' || !this.#listenerClosed || this.#connections.size > 0) return
    this.#state = 'closed'
    this.#resolveClosed?.()
  }
}

/**
 * Creates a chat server (not yet listening).
 * @throws {ServerOptionError} SW_SERVER_BAD_OPTION naming the bad option
 */
export function createChatServer (options: ChatServerOptions = {}): ChatServer {
  return new ChatServer(options)
}

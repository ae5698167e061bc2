/**
 * One client connection: socket ↔ line splitter ↔ chat hub, its send queue and keep-alive,
 * and the close path. The close path is where the leak bugs live; each `BUG (--leak KIND)`
 * comment says what a developer meant and what goes wrong. With no leaks, a connection
 * leaves nothing behind: the keep-alive timers are cleared, the hub forgets it, the shutdown
 * subscription is removed, the socket is ended (and destroyed after `lingerMs` if the peer
 * does not finish), and the server hears `closed` exactly once.
 *
 * Sockets are accepted with `allowHalfOpen`, so that a client's FIN does not discard the
 * reply to its QUIT: ending our side is this module's job.
 */
import type { EventEmitter } from 'node:events'
import type { Socket } from 'node:net'
import { performance } from 'node:perf_hooks'
import { ERR, LineSplitter, parseMessage } from '../../protocol/src/index.js'
import type { Channel } from './channel-registry.js'
import type { ChatHub } from './chat-hub.js'
import { CLOSED_BY, type ChatServerStats, type CloseEvent, type CloseReason } from './events.js'
import type { FlushScheduler } from './flush-scheduler.js'
import { KeepAlive } from './keep-alive.js'
import type { LeakKind } from './leak-kinds.js'
import type { Member } from './member.js'
import type { ResolvedOptions } from './options.js'
import { Outbox } from './outbox.js'
import { line } from './replies.js'

/** Server-wide counters connections add to (the rest of the stats come from the hub). */
export type EngineCounters = Pick<ChatServerStats,
'connectionsTotal' | 'drops' | 'slowClientDisconnects' | 'pingTimeouts' | 'overlongLines' | 'linesIn' | 'bytesIn' | 'bytesOut'>

/** Server-wide notices every connection subscribes to while it is open. */
export interface NoticeEvents {
  shutdown: []
}

/** What a connection needs from its server. */
export interface ConnectionContext {
  readonly options: ResolvedOptions
  readonly hub: ChatHub
  readonly scheduler: FlushScheduler
  readonly notices: EventEmitter<NoticeEvents>
  readonly counters: EngineCounters
  /** Called once, when the close path has finished and the socket has closed. */
  readonly closed: (connection: Connection, event: CloseEvent) => void
}

export class Connection implements Member {
  readonly id: number
  readonly host: string
  /** `ip:port` of the peer. */
  readonly remote: string
  nick: string | undefined
  user: string | undefined
  registered = false
  prefix = ''
  readonly channels = new Set<Channel>()

  readonly #socket: Socket
  readonly #ctx: ConnectionContext
  readonly #leaks: ReadonlySet<LeakKind>
  readonly #splitter: LineSplitter
  readonly #outbox: Outbox
  readonly #keepAlive: KeepAlive
  readonly #openedAt = performance.now()
  #msgsIn = 0
  #closing = false
  #overflowing = false
  #reason: CloseReason = 'eof'
  #tornDown = false
  #socketClosed = false
  #reported = false
  #linger: NodeJS.Timeout | undefined

  /** Starts serving an accepted socket. */
  constructor (id: number, socket: Socket, ctx: ConnectionContext) {
    this.id = id
    this.#socket = socket
    this.#ctx = ctx
    const o = ctx.options
    this.#leaks = o.leaks
    this.host = socket.remoteAddress ?? 'unknown'
    this.remote = this.host.includes(':') ? `[${this.host}]:${socket.remotePort ?? 0}` : `${this.host}:${socket.remotePort ?? 0}`
    this.#splitter = new LineSplitter(o.maxLineBytes, { onLine: this.#onLine, onOverflow: this.#onOverflow })
    this.#outbox = new Outbox(socket, ctx.scheduler, o.sendQueueBytes)
    this.#keepAlive = new KeepAlive(o.pingIntervalMs, o.pingTimeoutMs, { ping: this.#ping, timeout: this.#pingTimeout })
    socket.on('data', this.#onData)
    socket.on('end', this.#onEnd)
    socket.on('error', this.#onError)
    socket.on('close', this.#onSocketClose)
    ctx.notices.on('shutdown', this.#onShutdown)
  }

  /** Lines received so far. */
  get msgsIn (): number {
    return this.#msgsIn
  }

  deliver (bytes: Buffer, lines = 1): void {
    if (this.#closing || this.#overflowing) return
    if (this.#outbox.push(bytes, lines)) {
      this.#ctx.counters.bytesOut += bytes.length
      return
    }
    const counters = this.#ctx.counters
    if (this.#ctx.options.slowClient === 'drop') {
      counters.drops++
      return
    }
    counters.slowClientDisconnects++
    this.#overflowing = true
    // Deferred: deliver runs inside fan-out loops, and closing relays QUIT to peers that may
    // overflow in turn; closing synchronously could recurse once per member of the channel.
    process.nextTick(this.#closeSlow)
  }

  quit (message: string): void {
    this.close('quit', message, `Closing Link: ${this.host} (${message})`)
  }

  /**
   * The close path, idempotent: the first cause wins.
   * @param quitMessage - relayed to channel peers in QUIT
   * @param goodbye - text of the `ERROR` line sent before FIN, if the peer can still read
   * @param endSocket - false only in the `socket` leak
   */
  close (reason: CloseReason, quitMessage: string, goodbye: string | undefined, endSocket = true): void {
    if (this.#closing) return
    this.#closing = true
    this.#reason = reason
    const bytes = goodbye === undefined ? undefined : line(undefined, 'ERROR', [goodbye])
    if (this.#leaks.has('close-race')) {
      // BUG (--leak close-race), ported from a Go chat server: before closing, the goodbye is
      // sent to the writer goroutine on an unbuffered channel (`c.out <- bye`) so that it goes
      // out ahead of the FIN. The writer takes it once its earlier writes have drained, and
      // returns for good when the peer is gone. If the peer hangs up first — no QUIT at all,
      // a reset, or a QUIT while output to it is still backed up (load) — nobody ever
      // receives, the send blocks forever and nothing after it runs: the socket and the
      // keep-alive timer stay, and the session never reports closed.
      void this.#outbox.handoff(bytes).then(() => this.#finish(quitMessage, undefined, endSocket))
      return
    }
    this.#finish(quitMessage, bytes, endSocket)
  }

  #finish (quitMessage: string, goodbye: Buffer | undefined, endSocket: boolean): void {
    // BUG (--leak timer): the keep-alive tick checks `#closing` before pinging, and that guard
    // was taken for cleanup: the interval is never cleared and keeps the session reachable.
    if (!this.#leaks.has('timer')) this.#keepAlive.stop()
    // BUG (--leak registry): the session leaves its channels but its nick stays registered
    // (the ghost-nick bug): the registry's Map keeps the closed session and its socket alive.
    this.#ctx.hub.remove(this, quitMessage, !this.#leaks.has('registry'))
    // BUG (--leak listener): subscribed in the constructor, never unsubscribed; the
    // server-lifetime emitter keeps every closed session reachable.
    if (!this.#leaks.has('listener')) this.#ctx.notices.off('shutdown', this.#onShutdown)
    if (endSocket) {
      this.#outbox.end(goodbye)
      if (!this.#socketClosed) this.#linger = setTimeout(this.#destroy, this.#ctx.options.lingerMs)
    }
    this.#tornDown = true
    this.#report()
  }

  #report (): void {
    if (this.#reported || !this.#tornDown || !this.#socketClosed) return
    this.#reported = true
    const socket = this.#socket
    this.#ctx.closed(this, {
      conn: this.id,
      nick: this.nick ?? null,
      reason: this.#reason,
      by: CLOSED_BY[this.#reason],
      bytesIn: socket.bytesRead,
      bytesOut: socket.bytesWritten,
      msgsIn: this.#msgsIn,
      msgsOut: this.#outbox.msgsOut,
      durationMs: Math.round((performance.now() - this.#openedAt) * 10) / 10
    })
  }

  readonly #onData = (chunk: Buffer): void => {
    if (this.#closing) return
    this.#ctx.counters.bytesIn += chunk.length
    this.#splitter.push(chunk)
  }

  readonly #onLine = (text: string): void => {
    // Lines after a QUIT in the same chunk are not served.
    if (this.#closing) return
    this.#msgsIn++
    this.#ctx.counters.linesIn++
    this.#keepAlive.touch()
    const msg = parseMessage(text)
    if (msg !== undefined) this.#ctx.hub.handle(this, msg)
  }

  readonly #onOverflow = (): void => {
    if (this.#closing) return
    this.#msgsIn++
    this.#ctx.counters.overlongLines++
    this.#keepAlive.touch()
    // The connection is kept (modern IRC: ERR_INPUTTOOLONG); the splitter has dropped the line.
    this.#ctx.hub.numeric(this, ERR.INPUTTOOLONG, 'Input line was too long')
  }

  readonly #onEnd = (): void => {
    this.#outbox.stop()
    // BUG (--leak socket): the FIN is taken to mean "the socket is gone", so the session is
    // torn down but our side is never ended: with allowHalfOpen it stays half-open forever.
    this.close('eof', 'Client closed connection', `Closing Link: ${this.host} (Client closed connection)`, !this.#leaks.has('socket'))
  }

  readonly #onError = (err: NodeJS.ErrnoException): void => {
    this.#outbox.stop()
    const reset = err.code === 'ECONNRESET' || err.code === 'EPIPE'
    // Node destroys the socket after 'error'; there is nobody left to say goodbye to.
    this.close(reset ? 'reset' : 'socket-error', reset ? 'Connection reset by peer' : `Socket error: ${err.code ?? err.message}`, undefined)
  }

  readonly #onSocketClose = (): void => {
    this.#socketClosed = true
    if (this.#linger !== undefined) clearTimeout(this.#linger)
    this.#linger = undefined
    // Closed without 'end' or 'error' first: destroyed by the linger timer or by the runtime.
    this.close('eof', 'Connection closed', undefined)
    this.#report()
  }

  readonly #onShutdown = (): void => {
    this.close('shutdown', 'Server shutting down', `Closing Link: ${this.host} (Server shutting down)`)
  }

  readonly #ping = (): void => {
    if (this.#closing) return
    this.deliver(line(undefined, 'PING', [this.#ctx.options.serverName]))
  }

  readonly #pingTimeout = (): void => {
    if (this.#closing) return
    this.#ctx.counters.pingTimeouts++
    const seconds = Math.round(this.#ctx.options.pingTimeoutMs / 1000)
    this.close('ping-timeout', `Ping timeout: ${seconds} seconds`, 'Ping timeout')
  }

  readonly #closeSlow = (): void => {
    this.close('sendq-exceeded', 'SendQ exceeded', 'SendQ exceeded')
  }

  readonly #destroy = (): void => {
    this.#linger = undefined
    this.#socket.destroy()
  }
}

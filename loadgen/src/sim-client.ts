/**
 * One simulated IRC client: its socket, its protocol state machine and its receive accounting.
 *
 *   connect ─▶ NICK/USER ─▶ 001 ─▶ JOIN ─▶ own JOIN echo ─▶ (barrier) ─▶ PRIVMSG… ─▶ leave ─▶ close
 *
 * A client leaves the way its style says (disconnect.ts): QUIT, a FIN without QUIT, or a reset.
 *
 * Each step has its own timeout. A 433 during registration is retried with a suffixed nick.
 * PINGs are answered in every state (ngircd pings idle clients; others ping before 001).
 * Anything the client cannot make sense of is counted by kind through the host and never
 * throws: a load run must survive a misbehaving server. The client owns no policy — when to
 * connect, send or quit is the run's decision (load-run.ts); it reports every transition back.
 */
import { connect } from 'node:net'
import type { Socket } from 'node:net'
import { LineSplitter } from '../../protocol/src/line-splitter.js'
import { formatMessage, parseMessage } from '../../protocol/src/message.js'
import type { IrcMessage } from '../../protocol/src/message.js'
import { foldCase } from '../../protocol/src/names.js'
import { ERR, RPL } from '../../protocol/src/numerics.js'
import { decodePayloadAt, decodePayloadBytes, encodePayload } from './payload.js'
import type { Payload } from './payload.js'
import { nickWithSuffix } from './nick.js'
import { relayedTextAt, relayMark } from './relay-line.js'
import { DUPLICATE, SequenceTracker } from './sequence-tracker.js'
import type { Delivery } from './sequence-tracker.js'
import type { ClientRecord, ClosedBy } from './load-result.js'
import type { DisconnectStyle } from './disconnect.js'
import type { ResolvedLoadOptions } from './load-options.js'

/** RFC 2812 §2.3: a line is at most 512 bytes with its CR LF. */
const MAX_LINE_BYTES = 512
/** Collision retries before the client gives up (suffixes _1 … _z). */
const MAX_NICK_RETRIES = 35

/** Numerics that refuse a registration (RFC 2812 §5.2). */
const REGISTRATION_REFUSALS = new Set(['432', '436', '437', '465', '484'])
/** Numerics that refuse a JOIN (RFC 2812 §3.2.1). */
const JOIN_REFUSALS = new Set(['403', '405', '407', '437', '471', '473', '474', '475', '476', '477'])
/** Error numerics that are part of a normal registration, not failures. */
const BENIGN_NUMERICS = new Set<string>([ERR.NOMOTD])

export type ClientState = 'new' | 'connecting' | 'registering' | 'joining' | 'joined' | 'quitting' | 'closed'

/** What a client needs from its run. Everything it observes is reported here. */
export interface ClientHost {
  readonly options: Pick<ResolvedLoadOptions, 'host' | 'connectTimeoutMs' | 'registerTimeoutMs' | 'joinTimeoutMs' | 'payloadBytes' | 'nickMaxLength'>
  /**
   * Receive buffer shared by every client of the run (net.connect's `onread`): reads are
   * handled synchronously and the line splitter copies partial lines, so one buffer serves
   * all sockets and no Buffer is allocated per read, nor a string per relayed message.
   */
  readonly readBuffer: Buffer
  /** Scratch for payload decoding, shared for the same reason. */
  readonly scratch: Payload
  /** Socket reads so far: deliveries per read tells how well reads are batched. */
  reads: number
  nowUs: () => number
  onConnected: (c: SimClient) => void
  onRegistered: (c: SimClient) => void
  onJoined: (c: SimClient) => void
  /** A step failed (connect, register or join); the client is being destroyed. */
  onSetupFailed: (c: SimClient, kind: string, detail: string) => void
  /** An error that does not end the client by itself (numerics, garbage, server ERROR lines). */
  onError: (c: SimClient, kind: string, detail: string) => void
  onNickRetry: (c: SimClient) => void
  /** A delivery of one of our payloads; `kind` from SequenceTracker, latency in µs. */
  onDelivery: (c: SimClient, kind: Delivery, latencyUs: number) => void
  onForeign: (c: SimClient) => void
  /** The socket is gone; `early` when the server closed or reset it before we said QUIT. */
  onClosed: (c: SimClient, early: boolean) => void
}

/** One simulated client; see the module header. */
export class SimClient {
  readonly id: number
  readonly room: number
  readonly channel: string
  readonly baseNick: string
  /** First client id of the room: sender ids map to tracker slots relative to it. */
  readonly roomStart: number
  readonly roomSize: number
  readonly localAddress: string | undefined
  /** Server port this client's room lives on. */
  readonly port: number
  nick: string
  state: ClientState = 'new'
  /** Epoch-relative µs of each step; -1 until it happens. */
  connectStartUs = -1
  connectedUs = -1
  registeredUs = -1
  joinSentUs = -1
  joinedUs = -1
  quitSentUs = -1
  /** When the client began leaving, whatever its style; -1 until then. */
  leftUs = -1
  /** How it left on its own; null until it did. */
  disconnect: DisconnectStyle | null = null
  closedUs = -1
  localPort: number | null = null
  boundAddress: string | null = null
  closedBy: ClosedBy | null = null
  serverClosed = false
  firstError: string | null = null
  /** A setup step (connect, register, join) failed and was reported through onSetupFailed. */
  setupFailed = false
  /** Messages sent; the next message's sequence number. */
  sent = 0
  /** Distinct deliveries received. */
  received = 0
  /** Deliveries this client must receive before the drain ends; -1 until the `sent` barrier. */
  expectedReceipts = -1
  /** Intended time of the next send, µs since the epoch. */
  nextSendUs = 0
  sendTimer: NodeJS.Timeout | undefined
  doneSending = false

  readonly #hostRef: ClientHost
  readonly #channelFolded: string
  /** `" PRIVMSG <channel> :"` as bytes, to recognise relayed messages without parsing them. */
  readonly #privmsgMark: Buffer
  #socket: Socket | undefined
  #splitter: LineSplitter
  #stepTimer: NodeJS.Timeout | undefined
  #tracker: SequenceTracker | undefined
  #nickAttempt = 0
  /** Arrival time of the chunk being parsed, µs: one clock read per chunk, not per line. */
  #chunkUs = 0

  constructor (host: ClientHost, init: { id: number, room: number, channel: string, nick: string, roomStart: number, roomSize: number, port: number, localAddress?: string }) {
    this.#hostRef = host
    this.id = init.id
    this.room = init.room
    this.channel = init.channel
    this.#channelFolded = foldCase(init.channel)
    this.#privmsgMark = relayMark(init.channel)
    this.baseNick = init.nick
    this.nick = init.nick
    this.roomStart = init.roomStart
    this.roomSize = init.roomSize
    this.localAddress = init.localAddress
    this.port = init.port
    this.#splitter = new LineSplitter(MAX_LINE_BYTES, {
      onLineBytes: (bytes, start, end) => this.#onLineBytes(bytes, start, end),
      onOverflow: () => this.#hostRef.onError(this, 'line-too-long', `line over ${MAX_LINE_BYTES} bytes`)
    })
  }

  /** The client's lifecycle for the result, times as epoch milliseconds (µs precision). */
  toRecord (toEpochMs: (us: number) => number): ClientRecord {
    const ms = (us: number): number | null => (us < 0 ? null : Math.round(toEpochMs(us) * 1000) / 1000)
    return {
      id: this.id,
      nick: this.nick,
      channel: this.channel,
      localAddress: this.boundAddress,
      localPort: this.localPort,
      connectStartMs: ms(this.connectStartUs) ?? 0,
      connectedMs: ms(this.connectedUs),
      registeredMs: ms(this.registeredUs),
      joinedMs: ms(this.joinedUs),
      quitSentMs: ms(this.quitSentUs),
      disconnect: this.disconnect,
      leftMs: ms(this.leftUs),
      closedMs: ms(this.closedUs),
      closedBy: this.closedBy,
      serverClosed: this.serverClosed,
      error: this.firstError,
      sent: this.sent,
      received: this.received
    }
  }

  /** Opens the connection and starts registration when it is up. */
  connect (): void {
    const h = this.#hostRef
    const o = h.options
    this.state = 'connecting'
    this.connectStartUs = h.nowUs()
    const socket = connect({
      host: o.host,
      port: this.port,
      localAddress: this.localAddress,
      noDelay: true,
      onread: {
        buffer: h.readBuffer,
        // `onread` hands back the buffer it was given, filled with n bytes.
        callback: (n: number) => {
          h.reads++
          this.#chunkUs = h.nowUs()
          this.#splitter.push(h.readBuffer, n)
          return true
        }
      }
    })
    this.#socket = socket
    this.#arm(o.connectTimeoutMs, 'connect-timeout')
    socket.on('connect', () => {
      this.connectedUs = h.nowUs()
      this.localPort = socket.localPort ?? null
      this.boundAddress = socket.localAddress ?? null
      this.state = 'registering'
      this.#arm(o.registerTimeoutMs, 'register-timeout')
      h.onConnected(this)
      socket.write(formatMessage(undefined, 'NICK', [this.nick]) + formatMessage(undefined, 'USER', [this.baseNick, '0', '*', 'soakwatch loadgen']))
    })
    socket.on('end', () => {
      // The server closed its side first (after our QUIT, or on its own). allowHalfOpen is
      // false, so Node ends ours right after this.
      this.serverClosed = true
      if (this.closedBy === null) this.closedBy = 'server'
    })
    socket.on('error', (err: NodeJS.ErrnoException) => {
      const kind = err.code ?? 'socket-error'
      if (this.closedBy === null) this.closedBy = 'error'
      if (this.state === 'connecting') this.#fail(kind, err.message)
      else if (this.state !== 'closed') this.#hostRef.onError(this, kind, err.message)
    })
    socket.on('close', () => this.#onClose())
  }

  /** Sends the next message (the run decides when) with the given intended time. */
  send (intendedUs: number): void {
    const line = formatMessage(undefined, 'PRIVMSG', [this.channel, encodePayload(this.id, this.sent, intendedUs, this.#hostRef.options.payloadBytes)])
    this.sent++
    this.#socket?.write(line)
  }

  /**
   * Leaves: `quit` says QUIT and `close` sends a FIN without QUIT, then both wait for the
   * server to close its side (the run destroys us if it does not); `reset` aborts at once.
   * A client still connecting is simply destroyed.
   */
  leave (style: DisconnectStyle): void {
    if (this.state === 'closed' || this.state === 'quitting') return
    this.#clearStep()
    const socket = this.#socket
    if (this.state === 'connecting' || socket === undefined) {
      this.destroy()
      return
    }
    this.state = 'quitting'
    this.disconnect = style
    this.leftUs = this.#hostRef.nowUs()
    if (style === 'quit') {
      this.quitSentUs = this.leftUs
      socket.write(formatMessage(undefined, 'QUIT', ['soakwatch done']))
      return
    }
    // Without a QUIT we are first to close; the server's FIN (if it comes) sets serverClosed.
    if (this.closedBy === null) this.closedBy = 'client'
    if (style === 'close') socket.end()
    else socket.resetAndDestroy()
  }

  /** Closes at once; we were first to close unless the server already did. */
  destroy (): void {
    this.#clearStep()
    if (this.closedBy === null) this.closedBy = 'client'
    this.#socket?.destroy()
  }

  #onClose (): void {
    const h = this.#hostRef
    this.#clearStep()
    if (this.sendTimer !== undefined) clearTimeout(this.sendTimer)
    this.sendTimer = undefined
    const early = this.state !== 'quitting' && this.closedBy !== 'client' && this.state !== 'connecting'
    if (this.closedBy === null) this.closedBy = 'server'
    this.state = 'closed'
    this.closedUs = h.nowUs()
    h.onClosed(this, early)
  }

  #fail (kind: string, detail: string): void {
    if (this.setupFailed) return
    this.setupFailed = true
    if (this.firstError === null) this.firstError = kind
    this.#hostRef.onSetupFailed(this, kind, detail)
    this.destroy()
  }

  #arm (ms: number, kind: string): void {
    this.#clearStep()
    this.#stepTimer = setTimeout(() => {
      this.#stepTimer = undefined
      this.#fail(kind, `no progress within ${ms} ms`)
    }, ms)
  }

  #clearStep (): void {
    if (this.#stepTimer !== undefined) clearTimeout(this.#stepTimer)
    this.#stepTimer = undefined
  }

  #onLineBytes (bytes: Buffer, start: number, end: number): void {
    // Fast path for the line that makes up nearly all traffic, a relayed message to our
    // channel, recognised and decoded from the bytes. Anything else, including the same
    // message with the channel in another case, becomes a string and takes the full parse.
    const text = relayedTextAt(bytes, start, end, this.#privmsgMark)
    if (text !== -1) this.#onPayload(decodePayloadBytes(bytes, text, end, this.#hostRef.scratch))
    else this.#onLine(bytes.toString('latin1', start, end))
  }

  #onLine (line: string): void {
    const msg = parseMessage(line)
    if (msg === undefined) return // RFC 2812 §2.3.1: empty messages are silently ignored
    switch (msg.command) {
      case 'PRIVMSG':
        this.#onPrivmsg(msg)
        return
      case 'PING':
        this.#socket?.write(formatMessage(undefined, 'PONG', msg.params.length > 0 ? msg.params.slice(0, 2) : ['soakwatch']))
        return
      case RPL.WELCOME:
        this.#onWelcome(msg)
        return
      case 'JOIN':
        this.#onJoin(msg)
        return
      case 'ERROR':
        // After our QUIT, ERROR is the server's normal goodbye (RFC 2812 §3.1.7).
        if (this.state !== 'quitting') this.#report('server-error', msg.params[0] ?? '')
        return
      case ERR.NICKNAMEINUSE:
        if (this.state === 'registering') {
          this.#retryNick()
          return
        }
        break
    }
    const code = msg.command
    if (isNumeric(code)) {
      if (code >= '400' && code < '600' && !BENIGN_NUMERICS.has(code)) this.#onErrorNumeric(code, msg)
    } else if (!/^[A-Z]+$/.test(code)) {
      this.#report('garbage', JSON.stringify(line.slice(0, 80)))
    }
  }

  #onErrorNumeric (code: string, msg: IrcMessage): void {
    const text = msg.params[msg.params.length - 1] ?? ''
    if (this.state === 'registering' && REGISTRATION_REFUSALS.has(code)) {
      this.#fail(`numeric-${code}`, text)
    } else if (this.state === 'joining' && JOIN_REFUSALS.has(code)) {
      this.#fail(`numeric-${code}`, text)
    } else {
      this.#report(`numeric-${code}`, text)
    }
  }

  #onWelcome (msg: IrcMessage): void {
    if (this.state !== 'registering') return
    const h = this.#hostRef
    // The server may have changed our nick (truncation); 001's first parameter is the truth.
    const granted = msg.params[0]
    if (granted !== undefined && granted !== '*') this.nick = granted
    this.registeredUs = h.nowUs()
    this.state = 'joining'
    this.#arm(h.options.joinTimeoutMs, 'join-timeout')
    h.onRegistered(this)
    this.joinSentUs = h.nowUs()
    this.#socket?.write(formatMessage(undefined, 'JOIN', [this.channel]))
  }

  #onJoin (msg: IrcMessage): void {
    if (this.state !== 'joining' || msg.prefix === undefined) return
    const bang = msg.prefix.indexOf('!')
    const who = bang === -1 ? msg.prefix : msg.prefix.slice(0, bang)
    const where = msg.params[0]
    if (where === undefined || foldCase(who) !== foldCase(this.nick) || foldCase(where) !== this.#channelFolded) return
    this.#clearStep()
    this.joinedUs = this.#hostRef.nowUs()
    this.state = 'joined'
    this.#hostRef.onJoined(this)
  }

  #retryNick (): void {
    const h = this.#hostRef
    this.#nickAttempt++
    if (this.#nickAttempt > MAX_NICK_RETRIES) {
      this.#fail('nick-in-use', `${this.baseNick} and ${MAX_NICK_RETRIES} suffixed variants are taken`)
      return
    }
    this.nick = nickWithSuffix(this.baseNick, this.#nickAttempt, h.options.nickMaxLength)
    h.onNickRetry(this)
    this.#socket?.write(formatMessage(undefined, 'NICK', [this.nick]))
  }

  #onPrivmsg (msg: IrcMessage): void {
    const target = msg.params[0]
    const text = msg.params[1]
    if (target === undefined || text === undefined || foldCase(target) !== this.#channelFolded) return
    this.#onPayload(decodePayloadAt(text, 0, this.#hostRef.scratch))
  }

  /** Accounts for a relayed message whose payload was decoded (`ok`) into the host's scratch. */
  #onPayload (ok: boolean): void {
    const h = this.#hostRef
    const p = h.scratch
    if (!ok) {
      h.onForeign(this)
      return
    }
    const slot = p.sender - this.roomStart
    if (slot < 0 || slot >= this.roomSize || p.sender === this.id || p.seq > 0x7fffffff) {
      h.onForeign(this)
      return
    }
    this.#tracker ??= new SequenceTracker(this.roomSize)
    const kind = this.#tracker.record(slot, p.seq)
    if (kind !== DUPLICATE) this.received++
    h.onDelivery(this, kind, this.#chunkUs - p.intendedUs)
  }

  #report (kind: string, detail: string): void {
    if (this.firstError === null) this.firstError = kind
    this.#hostRef.onError(this, kind, detail)
  }
}

function isNumeric (command: string): boolean {
  return command.length === 3 && command >= '000' && command <= '999' && /^\d{3}$/.test(command)
}

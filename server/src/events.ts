/**
 * The chat server's typed events: the lifecycle contract of docs/architecture.md
 * ("Server process"), and the stats shape published by the CLI.
 */

/** Why a connection closed. */
export type CloseReason =
  | 'quit' // the client sent QUIT
  | 'eof' // the client closed (FIN) without QUIT
  | 'reset' // the client reset the connection (ECONNRESET, EPIPE)
  | 'socket-error' // any other socket error
  | 'ping-timeout' // no answer to the keep-alive PING
  | 'sendq-exceeded' // slow client, policy "disconnect"
  | 'shutdown' // the server is closing
  | 'server-full' // refused at accept: maxClients reached

/** Who closed it, as in the lifecycle log's `by`. */
export type ClosedBy = 'client' | 'server' | 'error' | 'timeout'

export const CLOSED_BY: Readonly<Record<CloseReason, ClosedBy>> = Object.freeze({
  quit: 'client',
  eof: 'client',
  // A reset is the peer closing abortively; the socket error is how it shows.
  reset: 'client',
  'socket-error': 'error',
  'ping-timeout': 'timeout',
  'sendq-exceeded': 'server',
  shutdown: 'server',
  'server-full': 'server'
})

export interface OpenEvent {
  conn: number
  /** `ip:port` of the client as the server sees it (`[ip]:port` for IPv6). */
  remote: string
}

export interface RegisteredEvent {
  conn: number
  nick: string
}

export interface NickEvent {
  conn: number
  from: string
  to: string
}

export interface CloseEvent {
  conn: number
  nick: string | null
  reason: CloseReason
  by: ClosedBy
  /** Bytes read from the socket. */
  bytesIn: number
  /** Bytes written to the socket or queued for it when it closed. */
  bytesOut: number
  /** Lines received (overlong ones included). */
  msgsIn: number
  /** Lines queued to the client. */
  msgsOut: number
  durationMs: number
}

export interface ChatServerEvents {
  open: [OpenEvent]
  registered: [RegisteredEvent]
  nick: [NickEvent]
  close: [CloseEvent]
  /** The listening socket reported an error after listening (e.g. EMFILE on accept). */
  warning: [Error]
}

export type ChatServerEventName = keyof ChatServerEvents

/** Counters and gauges; JSON-able numbers only (the stats accessor contract). */
export interface ChatServerStats {
  /** Connections accepted and not yet fully closed. */
  connectionsOpen: number
  connectionsTotal: number
  /** Clients registered (001 sent) and not yet closed. */
  registered: number
  channels: number
  /** Nicknames held in the registry (registered or not). */
  nicks: number
  /** Subscribers to the server's shutdown notice (one per open connection). */
  noticeSubscribers: number
  messagesRelayed: number
  deliveries: number
  /** Deliveries dropped by the "drop" slow-client policy. */
  drops: number
  slowClientDisconnects: number
  pingTimeouts: number
  overlongLines: number
  linesIn: number
  bytesIn: number
  bytesOut: number
}

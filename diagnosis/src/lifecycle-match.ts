/**
 * Lifecycle accounting: the seed's closed loop. Every client the loadgen ran is matched with
 * the session the server logged for it, and sessions the server opened but never closed are
 * listed by nick. Matching is by address first (the client's local ip:port is the server's
 * `remote`), then by nick, because a client may die before learning its own address.
 *
 * With a target that logs nothing (`--target`), only the client side is accounted for. Pure.
 */
import type { CloseBy, LifecycleEvent } from './lifecycle-event.js'

/**
 * What the soak needs from one loadgen client record (docs/architecture.md, "Loadgen
 * library", `recordClients`). Times are milliseconds on any clock; only presence matters here.
 */
export interface ClientLifecycle {
  nick: string
  /** `ip:port` of the client's socket, if it connected. */
  localAddress?: string
  connectedAt?: number
  registeredAt?: number
  closedAt?: number
  /** Who closed first, as the client saw it. */
  closedBy?: CloseBy
}

/** One server session that was opened and never closed. */
export interface OpenSession {
  conn: string
  remote: string
  /** The session's last known nick, or null if it never registered. */
  nick: string | null
  /** Whether the matching client saw its connection close; null when no client matched. */
  clientClosed: boolean | null
}

export interface LifecycleMatch {
  mode: 'matched' | 'client-only'
  clients: { total: number, connected: number, registered: number, closed: number, neverConnected: number }
  /** Null in client-only mode. */
  server: { opened: number, registered: number, closed: number, closedBy: Record<CloseBy, number> } | null
  /** Sessions the server opened and never closed: the lifecycle leak. Sorted by nick. */
  openSessions: OpenSession[]
  /** Clients that connected but never saw their connection close. */
  clientsNotClosed: string[]
  /** Connected clients the server has no session for (lost log lines, or another server). */
  clientsWithoutSession: string[]
  /** Sessions no client accounts for (readiness probes, other users of the port). */
  sessionsWithoutClient: number
}

interface Session {
  conn: string
  remote: string
  nick: string | null
  closed: boolean
  matched: boolean
}

/** Matches client records against the server's lifecycle events (omit them for client-only). */
export function matchLifecycle (clients: readonly ClientLifecycle[], events?: readonly LifecycleEvent[]): LifecycleMatch {
  const connected = clients.filter((c) => c.connectedAt !== undefined || c.localAddress !== undefined)
  const clientsNotClosed = connected.filter((c) => c.closedAt === undefined).map((c) => c.nick).sort()
  const clientSummary = {
    total: clients.length,
    connected: connected.length,
    registered: clients.filter((c) => c.registeredAt !== undefined).length,
    closed: clients.filter((c) => c.closedAt !== undefined).length,
    neverConnected: clients.length - connected.length
  }
  if (events === undefined) {
    return { mode: 'client-only', clients: clientSummary, server: null, openSessions: [], clientsNotClosed, clientsWithoutSession: [], sessionsWithoutClient: 0 }
  }

  const sessions = replay(events)
  // Several sessions may share a remote: over a long soak the kernel reuses ephemeral ports.
  const byRemote = new Map<string, Session[]>()
  const byNick = new Map<string, Session>()
  for (const s of sessions.values()) {
    const same = byRemote.get(s.remote)
    if (same === undefined) byRemote.set(s.remote, [s])
    else same.push(s)
    if (s.nick !== null) byNick.set(s.nick, s)
  }
  const sessionOf = new Map<ClientLifecycle, Session>()
  const clientsWithoutSession: string[] = []
  for (const client of connected) {
    const candidates = (client.localAddress === undefined ? undefined : byRemote.get(client.localAddress))?.filter((s) => !s.matched) ?? []
    const session = candidates.find((s) => s.nick === client.nick) ?? candidates[0] ?? byNick.get(client.nick)
    if (session === undefined || session.matched) {
      clientsWithoutSession.push(client.nick)
      continue
    }
    session.matched = true
    sessionOf.set(client, session)
  }
  const clientBySession = new Map<Session, ClientLifecycle>()
  for (const [client, session] of sessionOf) clientBySession.set(session, client)

  const closedBy: Record<CloseBy, number> = { client: 0, server: 0, error: 0, timeout: 0 }
  let registered = 0
  for (const e of events) {
    if (e.event === 'close') closedBy[e.by]++
    if (e.event === 'registered') registered++
  }
  const all = [...sessions.values()]
  const openSessions = all.filter((s) => !s.closed).map((s): OpenSession => {
    const client = clientBySession.get(s)
    return { conn: s.conn, remote: s.remote, nick: s.nick, clientClosed: client === undefined ? null : client.closedAt !== undefined }
  }).sort((a, b) => (a.nick ?? '').localeCompare(b.nick ?? '') || a.conn.localeCompare(b.conn))
  return {
    mode: 'matched',
    clients: clientSummary,
    server: { opened: all.length, registered, closed: all.filter((s) => s.closed).length, closedBy },
    openSessions,
    clientsNotClosed,
    clientsWithoutSession: clientsWithoutSession.sort(),
    sessionsWithoutClient: all.filter((s) => !s.matched).length
  }
}

/** Folds the event stream into sessions by connection id; events for unknown ids are ignored. */
function replay (events: readonly LifecycleEvent[]): Map<string, Session> {
  const sessions = new Map<string, Session>()
  for (const e of events) {
    if (e.event === 'open') {
      sessions.set(e.conn, { conn: e.conn, remote: e.remote, nick: null, closed: false, matched: false })
      continue
    }
    const s = sessions.get(e.conn)
    if (s === undefined) continue
    if (e.event === 'registered') s.nick = e.nick
    else if (e.event === 'nick') s.nick = e.to
    else {
      s.closed = true
      if (e.nick !== null) s.nick = e.nick
    }
  }
  return sessions
}

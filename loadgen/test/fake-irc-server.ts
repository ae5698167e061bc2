/**
 * A tiny IRC server for fault tests: registration, JOIN, relaying PRIVMSG to a channel's other
 * members, PING/PONG and QUIT — plus switches for the misbehaviours the loadgen must survive.
 * Listens on 127.0.0.1 port 0. Not a reference for anything.
 */
import { createServer } from 'node:net'
import type { Server, Socket } from 'node:net'
import { EventEmitter } from 'node:events'
import { LineSplitter } from '../../protocol/src/line-splitter.js'
import { formatMessage, parseMessage } from '../../protocol/src/message.js'

export interface FakeServerOptions {
  /** Nicks answered with 433 on their first attempt. */
  takenNicks?: Set<string>
  /** After 001, send lines that are not IRC, too long, or carry foreign payloads. */
  garbage?: boolean
  /** Relay every PRIVMSG twice. */
  duplicate?: boolean
  /** Demand a PONG to a PING before welcoming (like ngircd's RequireAuthPing). */
  pingBeforeWelcome?: boolean
  /** Never confirm the JOIN of nicks matching this. */
  ignoreJoinOf?: RegExp
  /** Close a member's connection after relaying this many messages to it. */
  dropAfterDeliveries?: number
  /** Never close our side after a client's FIN (the half-open socket bug). */
  ignoreFin?: boolean
}

interface Conn {
  socket: Socket
  nick: string | undefined
  user: boolean
  welcomed: boolean
  pingToken: string | undefined
  channels: Set<string>
  deliveries: number
}

export interface FakeServer extends EventEmitter<{ privmsg: [], joined: [string] }> {
  port: number
  /** Nicks the server registered, in order. */
  registered: string[]
  /** Number of PRIVMSGs received. */
  privmsgs: number
  /** Dies like a crashed process: every connection reset, the port closed. */
  kill: () => Promise<void>
  close: () => Promise<void>
}

export async function startFakeServer (opts: FakeServerOptions = {}): Promise<FakeServer> {
  const conns = new Set<Conn>()
  const channels = new Map<string, Set<Conn>>()
  const events = new EventEmitter<{ privmsg: [], joined: [string] }>()
  const server: Server = createServer({ allowHalfOpen: opts.ignoreFin === true }, socket => {
    const c: Conn = { socket, nick: undefined, user: false, welcomed: false, pingToken: undefined, channels: new Set(), deliveries: 0 }
    conns.add(c)
    socket.on('error', () => {})
    socket.on('close', () => {
      conns.delete(c)
      for (const ch of c.channels) channels.get(ch)?.delete(c)
    })
    const splitter = new LineSplitter(512, { onLine: line => onLine(c, line), onOverflow: () => {} })
    socket.on('data', chunk => splitter.push(chunk))
  })
  const fake = Object.assign(events, {
    port: 0,
    registered: [] as string[],
    privmsgs: 0,
    kill: async () => {
      for (const c of conns) c.socket.resetAndDestroy()
      await new Promise<void>(resolve => server.close(() => resolve()))
    },
    close: async () => {
      for (const c of conns) c.socket.destroy()
      await new Promise<void>(resolve => server.close(() => resolve()))
    }
  })

  function send (c: Conn, line: string): void {
    if (!c.socket.destroyed) c.socket.write(line)
  }

  function maybeWelcome (c: Conn): void {
    if (c.welcomed || c.nick === undefined || !c.user || c.pingToken !== undefined) return
    c.welcomed = true
    fake.registered.push(c.nick)
    send(c, formatMessage('fake.test', '001', [c.nick, `Welcome ${c.nick}`]))
    send(c, formatMessage('fake.test', '422', [c.nick, 'MOTD File is missing']))
    if (opts.garbage === true) {
      send(c, '\x00\x01\xff\xfe binary junk\r\n')
      send(c, ':fake.test NOTICE ' + c.nick + ' :' + 'y'.repeat(600) + '\r\n')
      send(c, formatMessage('fake.test', '999', [c.nick, 'an unknown numeric is not garbage']))
    }
  }

  function onLine (c: Conn, line: string): void {
    const m = parseMessage(line)
    if (m === undefined) return
    const [p0, p1] = m.params
    switch (m.command) {
      case 'NICK':
        if (p0 === undefined) return
        if (opts.takenNicks?.has(p0) === true) {
          opts.takenNicks.delete(p0)
          send(c, formatMessage('fake.test', '433', ['*', p0, 'Nickname is already in use']))
          return
        }
        c.nick = p0
        if (opts.pingBeforeWelcome === true && !c.welcomed) {
          c.pingToken = `tok${Math.random().toString(36).slice(2)}`
          send(c, formatMessage(undefined, 'PING', [c.pingToken]))
        }
        maybeWelcome(c)
        return
      case 'USER':
        c.user = true
        maybeWelcome(c)
        return
      case 'PONG':
        if (p0 === c.pingToken) c.pingToken = undefined
        maybeWelcome(c)
        return
      case 'JOIN': {
        if (p0 === undefined || c.nick === undefined) return
        if (opts.ignoreJoinOf?.test(c.nick) === true) return
        if (!channels.has(p0)) channels.set(p0, new Set())
        channels.get(p0)?.add(c)
        c.channels.add(p0)
        send(c, formatMessage(`${c.nick}!u@127.0.0.1`, 'JOIN', [p0]))
        events.emit('joined', c.nick)
        return
      }
      case 'PRIVMSG': {
        if (p0 === undefined || p1 === undefined || c.nick === undefined) return
        fake.privmsgs++
        events.emit('privmsg')
        const line = formatMessage(`${c.nick}!u@127.0.0.1`, 'PRIVMSG', [p0, p1])
        for (const member of channels.get(p0) ?? []) {
          if (member === c) continue
          send(member, line)
          if (opts.duplicate === true) send(member, line)
          if (opts.garbage === true) {
            send(member, formatMessage('x!u@h', 'PRIVMSG', [p0, 'sw1 not numbers']))
            send(member, formatMessage('x!u@h', 'PRIVMSG', [p0, 'sw1 99999 0 0']))
          }
          member.deliveries++
          if (opts.dropAfterDeliveries !== undefined && member.deliveries === opts.dropAfterDeliveries) member.socket.destroy()
        }
        return
      }
      case 'QUIT':
        send(c, formatMessage(undefined, 'ERROR', ['Closing link']))
        c.socket.end()
    }
  }

  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const addr = server.address()
  fake.port = typeof addr === 'object' && addr !== null ? addr.port : 0
  return fake
}

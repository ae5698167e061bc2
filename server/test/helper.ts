/**
 * Test helpers: an in-process server on 127.0.0.1:0 torn down after the test, and a raw IRC
 * client over a real socket that waits on lines (events), never on sleeps.
 */
import { once } from 'node:events'
import { connect, type Socket } from 'node:net'
import { onTestFinished } from 'vitest'
import { LineSplitter } from '../../protocol/src/index.js'
import { createChatServer, type ChatServer } from '../src/chat-server.js'
import type { CloseEvent, NickEvent, OpenEvent, RegisteredEvent } from '../src/events.js'
import type { ChatServerOptions } from '../src/options.js'

export type LoggedEvent =
  | ({ event: 'open' } & OpenEvent)
  | ({ event: 'registered' } & RegisteredEvent)
  | ({ event: 'nick' } & NickEvent)
  | ({ event: 'close' } & CloseEvent)

export interface TestServer {
  server: ChatServer
  port: number
  events: LoggedEvent[]
  /** Resolves with the close event of connection `conn` (or the next one when omitted). */
  closeOf: (predicate: (e: CloseEvent) => boolean) => Promise<CloseEvent>
  /** A client connected to this server, destroyed after the test. */
  client: () => Promise<TestClient>
}

/**
 * Starts a server on 127.0.0.1 port 0; it and its clients are closed when the test ends.
 * With `abandon`, teardown does not wait for the graceful close, which a leaking server
 * never finishes (that is the leak); its leaked handles stay in the worker.
 */
export async function startServer (options: ChatServerOptions = {}, teardown: 'graceful' | 'abandon' = 'graceful'): Promise<TestServer> {
  const server = createChatServer({ host: '127.0.0.1', port: 0, ...options })
  const clients: TestClient[] = []
  onTestFinished(async () => {
    for (const c of clients) c.socket.destroy()
    const closed = server.close()
    if (teardown === 'graceful') await closed
  })
  const events: LoggedEvent[] = []
  server.on('open', e => events.push({ event: 'open', ...e }))
  server.on('registered', e => events.push({ event: 'registered', ...e }))
  server.on('nick', e => events.push({ event: 'nick', ...e }))
  server.on('close', e => events.push({ event: 'close', ...e }))
  const { port } = await server.listen()
  return {
    server,
    port,
    events,
    closeOf: async predicate => {
      const seen = events.find((e): e is LoggedEvent & { event: 'close' } => e.event === 'close' && predicate(e))
      if (seen !== undefined) return seen
      return await new Promise(resolve => {
        const on = (e: CloseEvent): void => {
          if (!predicate(e)) return
          server.off('close', on)
          resolve(e)
        }
        server.on('close', on)
      })
    },
    client: async () => {
      const c = await TestClient.connect(port)
      clients.push(c)
      return c
    }
  }
}

type LineTest = string | RegExp | ((line: string) => boolean)

function matches (test: LineTest, line: string): boolean {
  if (typeof test === 'string') return line.includes(test)
  if (test instanceof RegExp) return test.test(line)
  return test(line)
}

/** A raw line-oriented IRC client for tests. */
export class TestClient {
  readonly socket: Socket
  /** Every line received, in order, without CR LF (latin1). */
  readonly lines: string[] = []
  /** Resolves when the socket has closed. */
  readonly closed: Promise<void>
  #cursor = 0
  #waiters: Array<() => void> = []
  #ended = false

  private constructor (socket: Socket) {
    this.socket = socket
    const splitter = new LineSplitter(1 << 20, { onLine: l => this.lines.push(l), onOverflow: () => {} })
    socket.on('data', chunk => {
      splitter.push(chunk)
      this.#wake()
    })
    socket.on('error', () => {})
    this.closed = once(socket, 'close').then(() => {
      this.#ended = true
      this.#wake()
    })
  }

  static async connect (port: number, host = '127.0.0.1'): Promise<TestClient> {
    const socket = connect({ port, host, noDelay: true })
    await once(socket, 'connect')
    return new TestClient(socket)
  }

  /** Writes raw text (add your own CR LF). */
  write (data: string | Buffer): void {
    this.socket.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data)
  }

  /** Writes one line followed by CR LF. */
  send (line: string): void {
    this.write(line + '\r\n')
  }

  /**
   * Waits for the next line (after the ones already consumed) that passes `test`, and
   * consumes up to it. Rejects if the connection closes first or after `timeoutMs`.
   */
  async expect (test: LineTest, timeoutMs = 5_000): Promise<string> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      while (this.#cursor < this.lines.length) {
        const line = this.lines[this.#cursor++] as string
        if (matches(test, line)) return line
      }
      if (this.#ended) throw new Error(`connection closed before a line matching ${String(test)}; last lines:\n${this.#tail()}`)
      const left = deadline - Date.now()
      if (left <= 0) throw new Error(`no line matching ${String(test)} within ${timeoutMs} ms; last lines:\n${this.#tail()}`)
      await new Promise<void>(resolve => {
        const timer = setTimeout(resolve, left)
        this.#waiters.push(() => { clearTimeout(timer); resolve() })
      })
    }
  }

  /** Registers with NICK and USER and waits for the end of the welcome burst (422). */
  async register (nick: string): Promise<void> {
    this.send(`NICK ${nick}`)
    this.send(`USER ${nick} 0 * :Test ${nick}`)
    await this.expect(/^:\S+ 422 /)
  }

  /** Joins and waits for the end of NAMES. */
  async join (channel: string): Promise<void> {
    this.send(`JOIN ${channel}`)
    await this.expect(new RegExp(`^:\\S+ 366 \\S+ ${channel.replace(/[#&]/g, '\\$&')} `))
  }

  #tail (): string {
    return this.lines.slice(-8).map(l => l.length > 120 ? l.slice(0, 120) + '…' : l).join('\n')
  }

  #wake (): void {
    const waiters = this.#waiters
    this.#waiters = []
    for (const w of waiters) w()
  }
}

/** Connects `n` clients, each registered as `${prefix}${i}` and joined to `channel`. */
export async function crowd (srv: TestServer, n: number, prefix: string, channel?: string): Promise<TestClient[]> {
  return await Promise.all(Array.from({ length: n }, async (_, i) => {
    const c = await srv.client()
    await c.register(`${prefix}${i}`)
    if (channel !== undefined) await c.join(channel)
    return c
  }))
}

/** Resolves once the server has logged `n` close events in total. */
export async function closes (srv: TestServer, n: number): Promise<CloseEvent[]> {
  const done = (): CloseEvent[] | undefined => {
    const all = srv.events.filter((e): e is LoggedEvent & { event: 'close' } => e.event === 'close')
    return all.length >= n ? all : undefined
  }
  const now = done()
  if (now !== undefined) return now
  return await new Promise(resolve => {
    const on = (): void => {
      const all = done()
      if (all === undefined) return
      srv.server.off('close', on)
      resolve(all)
    }
    // Registered after the helper's own listener, so `events` already holds this one.
    srv.server.on('close', on)
  })
}

/**
 * Floods `channel` from `flooder` with 480-byte messages until `stop()` says enough, paced by
 * `reader` (a member that does read: each batch of 64 ends with a marker it must see before
 * the next batch goes), bounded at `maxLines` so that a broken policy fails a test instead of
 * hanging it. Returns the number of flood lines sent (markers excluded).
 */
export async function flood (flooder: TestClient, reader: TestClient, channel: string, stop: () => boolean, maxLines = 500_000): Promise<number> {
  const batch = `PRIVMSG ${channel} :${'x'.repeat(480)}\r\n`.repeat(64)
  let sent = 0
  for (let n = 0; !stop() && sent < maxLines; n++) {
    flooder.write(batch + `PRIVMSG ${channel} :mark ${n}\r\n`)
    sent += 64
    await reader.expect(`PRIVMSG ${channel} :mark ${n}`)
  }
  return sent
}

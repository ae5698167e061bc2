/**
 * Each --leak kind leaks in proportion to load, and the clean server leaves nothing after the
 * same load. Measured in-process: the stats accessor's gauges and
 * active handles around the load: TCP sockets from process.getActiveResourcesInfo() (client
 * sockets are destroyed and closed before measuring, so the delta is the server's side), and
 * timers created by server code (async_hooks, filtered by creation site: the test runner's own
 * timers come and go and would add noise to a plain count).
 */
import { createHook } from 'node:async_hooks'
import { describe, expect, it, onTestFinished } from 'vitest'
import type { LeakKind } from '../src/leak-kinds.js'
import type { ChatServerOptions } from '../src/options.js'
import { closes, crowd, flood, startServer, type TestClient, type TestServer } from './helper.js'

type Leave = 'quit-wait' | 'end' | 'reset' | 'quit-end' | 'none'

interface Run {
  srv: TestServer
  witness: TestClient
  clients: TestClient[]
  /** Server timers created during the load and still active. */
  timers: () => Promise<number>
  /** Active TCP sockets minus the count before the load. */
  sockets: () => number
}

function countSockets (): number {
  return process.getActiveResourcesInfo().filter(t => t === 'TCPSocketWrap').length
}

/** Counts live timers created from server/src while it is on. */
function trackServerTimers (): () => Promise<number> {
  const live = new Set<number>()
  const hook = createHook({
    init (id, type) {
      if (type === 'Timeout' && /[/\\]server[/\\]src[/\\]/.test(new Error().stack ?? '')) live.add(id)
    },
    destroy (id) { live.delete(id) }
  })
  hook.enable()
  onTestFinished(() => { hook.disable() })
  return async () => {
    // Node emits destroy hooks from a queue drained in a later loop turn.
    for (let i = 0; i < 2; i++) await new Promise(resolve => setImmediate(resolve))
    return live.size
  }
}

/** A server (with `leak`), a witness in #soak, then `n` clients that join #soak and leave. */
async function load (leak: LeakKind | undefined, n: number, leave: Leave, options: ChatServerOptions = {}): Promise<Run> {
  const srv = await startServer({ ...options, leaks: leak === undefined ? [] : [leak] }, 'abandon')
  const [witness] = await crowd(srv, 1, 'witness', '#soak')
  const before = countSockets()
  const timers = trackServerTimers()
  const clients = await crowd(srv, n, 'c', '#soak')
  await Promise.all(clients.map(async c => {
    if (leave === 'quit-wait') {
      c.send('QUIT :bye')
      await c.closed
    } else if (leave === 'quit-end') {
      c.socket.end('QUIT :bye\r\n')
    } else if (leave === 'end') {
      c.socket.end()
    } else if (leave === 'reset') {
      c.socket.resetAndDestroy()
    }
  }))
  return { srv, witness: witness!, clients, timers, sockets: () => countSockets() - before }
}

/**
 * Barrier: every client FIN is in the server's receive queues once the clients' writable sides
 * have finished (loopback); a witness round trip issued after that returns only after the
 * server's loop has read them, and a second one after its flush phase has run.
 */
async function settle (run: Run): Promise<void> {
  await Promise.all(run.clients.map(async c => {
    if (!c.socket.writableFinished && !c.socket.destroyed) await new Promise(resolve => c.socket.once('finish', resolve))
  }))
  for (const token of ['one', 'two']) {
    run.witness.send(`PING ${token}`)
    await run.witness.expect(`PONG soakwatch ${token}`)
  }
}

async function destroyClients (run: Run): Promise<void> {
  for (const c of run.clients) c.socket.destroy()
  await Promise.all(run.clients.map(async c => await c.closed))
}

const SIZES = [16, 48]

describe('the clean server leaves nothing behind', () => {
  for (const leave of ['quit-wait', 'quit-end', 'end', 'reset'] as const) {
    it(`after 48 clients leave by ${leave}`, async () => {
      const run = await load(undefined, 48, leave)
      await closes(run.srv, 48)
      await destroyClients(run)
      expect(await run.timers()).toBe(0)
      expect(run.sockets()).toBe(0)
      // Only the witness is left.
      expect(run.srv.server.stats()).toMatchObject({ connectionsOpen: 1, registered: 1, nicks: 1, noticeSubscribers: 1, channels: 1 })
    })
  }
})

describe('--leak timer', () => {
  it.each(SIZES)('leaves one keep-alive interval per closed session (%i sessions)', async n => {
    const run = await load('timer', n, 'quit-wait')
    await closes(run.srv, n)
    await destroyClients(run)
    expect(await run.timers()).toBe(n)
    expect(run.sockets()).toBe(0)
    expect(run.srv.server.stats()).toMatchObject({ connectionsOpen: 1, nicks: 1, noticeSubscribers: 1 })
  })
})

describe('--leak socket', () => {
  it.each(SIZES)('leaves the server side of every half-closed connection open (%i sessions)', async n => {
    const run = await load('socket', n, 'end')
    // The session is torn down (its QUIT reaches the channel) but the socket is never ended.
    for (let i = 0; i < n; i++) await run.witness.expect(/ QUIT :Client closed connection$/)
    await destroyClients(run)
    await settle(run)
    expect(run.sockets()).toBe(n)
    expect(await run.timers()).toBe(0)
    expect(run.srv.server.stats()).toMatchObject({ connectionsOpen: 1 + n, registered: 1, nicks: 1 })
    expect(run.srv.events.filter(e => e.event === 'close')).toHaveLength(0)
  })
})

describe('--leak listener', () => {
  it.each(SIZES)('keeps one shutdown listener per closed session (%i sessions)', async n => {
    const run = await load('listener', n, 'quit-wait')
    await closes(run.srv, n)
    await destroyClients(run)
    expect(run.srv.server.stats()).toMatchObject({ connectionsOpen: 1, noticeSubscribers: 1 + n, nicks: 1 })
    expect(await run.timers()).toBe(0)
    expect(run.sockets()).toBe(0)
  })
})

describe('--leak registry', () => {
  it.each(SIZES)('keeps every closed session in the nick registry (%i sessions)', async n => {
    const run = await load('registry', n, 'quit-wait')
    await closes(run.srv, n)
    await destroyClients(run)
    expect(run.srv.server.stats()).toMatchObject({ connectionsOpen: 1, registered: 1, nicks: 1 + n })
    // The visible symptom: a ghost holds the nick.
    const late = await run.srv.client()
    late.send('NICK c0')
    await late.expect(':soakwatch 433 * c0 :Nickname is already in use')
  })
})

describe('--leak close-race', () => {
  it.each(SIZES)('never finishes closing a session whose peer hung up first (%i sessions)', async n => {
    const run = await load('close-race', n, 'end')
    await settle(run)
    await destroyClients(run)
    await settle(run)
    expect(await run.timers()).toBe(n)
    expect(run.sockets()).toBe(n)
    expect(run.srv.server.stats()).toMatchObject({ connectionsOpen: 1 + n, registered: 1 + n, nicks: 1 + n })
    expect(run.witness.lines.some(l => l.includes(' QUIT '))).toBe(false)
  })

  it('closes normally when the writer is still running (QUIT, then wait for the server)', async () => {
    const run = await load('close-race', 48, 'quit-wait')
    await closes(run.srv, 48)
    expect(run.srv.server.stats()).toMatchObject({ connectionsOpen: 1, nicks: 1 })
    expect(await run.timers()).toBe(0)
  })

  it('under load, leaks exactly the sessions that QUIT and hang up while their output is backed up', async () => {
    const run = await backlog('close-race')
    // Both ends of each stuck connection are still open; the readers' are gone.
    expect(run.sockets()).toBe(2 * BACKLOGGED)
    // Destroying the clients (with unread data: RST) makes Node destroy the server side, but
    // the close path still never completes: the session and its timer stay.
    await destroyClients(run)
    await settle(run)
    expect(run.srv.server.stats()).toMatchObject({ connectionsOpen: 1 + BACKLOGGED, nicks: 1 + BACKLOGGED })
    expect(await run.timers()).toBe(BACKLOGGED)
    const closed = run.srv.events.filter(e => e.event === 'close').map(e => e.event === 'close' ? e.nick : '')
    expect(closed.sort()).toEqual(['c5', 'c6', 'c7'])
  })
})

const BACKLOGGED = 5

/**
 * 8 clients in #soak, `BACKLOGGED` of which stop reading while the witness floods the channel
 * until their send queues overflow (drop policy); then all 8 send QUIT and FIN together.
 * Returns once the server has seen every FIN and the readers are closed.
 */
async function backlog (leak: LeakKind | undefined): Promise<Run> {
  const run = await load(leak, 8, 'none', { slowClient: 'drop', sendQueueBytes: 64 * 1024, lingerMs: 100 })
  const slow = run.clients.slice(0, BACKLOGGED)
  for (const c of slow) c.socket.pause()
  const pacer = run.clients[7] as TestClient
  await flood(run.witness, pacer, '#soak', () => run.srv.server.stats().drops >= BACKLOGGED * 8)
  for (const c of run.clients) c.socket.end('QUIT :bye\r\n')
  await Promise.all(run.clients.slice(BACKLOGGED).map(async c => await c.closed))
  await settle(run)
  return run
}

describe('the clean server under the same backlog', () => {
  it('closes every session, backed up or not', async () => {
    const run = await backlog(undefined)
    await closes(run.srv, 8)
    await destroyClients(run)
    expect(run.srv.server.stats()).toMatchObject({ connectionsOpen: 1, nicks: 1, noticeSubscribers: 1 })
    expect(await run.timers()).toBe(0)
    expect(run.sockets()).toBe(0)
  })
})

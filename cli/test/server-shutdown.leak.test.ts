/**
 * Graceful shutdown of the server process: on SIGTERM it tells every client, closes every
 * socket and timer, and exits by itself because nothing is left. With a leak switched on it
 * cannot, and these tests say so; a second signal then forces the exit.
 */
import { once } from 'node:events'
import { setTimeout as delay } from 'node:timers/promises'
import { describe, expect, it } from 'vitest'
import { TestClient } from '../../server/test/helper.js'
import { startServerProcess, type SpawnedServer } from './spawn-server.js'

/**
 * Barrier: once the clients' FINs are sent (their writable sides finished), two PING round
 * trips of `witness` prove the server's loop has read them and run its flush phase.
 */
async function serverSawFins (clients: TestClient[], witness: TestClient): Promise<void> {
  await Promise.all(clients.map(async c => { if (!c.socket.writableFinished) await once(c.socket, 'finish') }))
  for (const token of ['a', 'b']) {
    witness.send(`PING ${token}`)
    await witness.expect(`PONG soakwatch ${token}`)
  }
}

/** The exit, or `undefined` if the process is still running after `ms`. */
async function exitWithin (s: SpawnedServer, ms: number): Promise<{ code: number | null } | undefined> {
  const timer = delay(ms, undefined)
  return await Promise.race([s.exited, timer])
}

describe('graceful shutdown of the server process', () => {
  it('tells every client, closes everything and exits 0 on its own', async () => {
    const s = await startServerProcess([])
    const clients = await Promise.all(Array.from({ length: 12 }, async (_, i) => {
      const c = await TestClient.connect(s.port)
      if (i < 10) {
        await c.register(`g${i}`)
        await c.join('#soak')
      }
      return c
    }))
    // One registered client that never reads again, one that has half-closed.
    clients[9]!.socket.pause()
    clients[10]!.send('NICK half')
    clients[10]!.socket.end()
    await s.record(r => r.event === 'close' && r.reason === 'eof')
    const inFlight = clients.filter((_, i) => i !== 10)

    s.child.kill('SIGTERM')
    await Promise.all(inFlight.filter((_, i) => i !== 9).map(async c => {
      await c.expect('ERROR :Closing Link: 127.0.0.1 (Server shutting down)')
      await c.closed
    }))
    // Bounded: the client that does not read is destroyed after the 2 s linger.
    expect(await exitWithin(s, 10_000)).toEqual({ code: 0, signal: null })
    const closes = s.records().filter(r => r.event === 'close')
    expect(closes, s.stderr.join('\n')).toHaveLength(12)
    expect(closes.filter(r => r.reason === 'shutdown' && r.by === 'server')).toHaveLength(11)
    expect(s.stdout.slice(1)).toEqual(['shutting down on SIGTERM', 'closed'])
  })

  it('with --leak timer it does not exit after closing; a second signal forces it and lists the timers', async () => {
    const s = await startServerProcess(['--leak', 'timer'])
    await Promise.all(Array.from({ length: 5 }, async (_, i) => {
      const c = await TestClient.connect(s.port)
      await c.register(`t${i}`)
      c.send('QUIT')
      await c.closed
    }))
    s.child.kill('SIGTERM')
    await s.line(/^closed$/)
    // A clean server is gone within milliseconds of "closed"; this one keeps its timers.
    expect(await exitWithin(s, 1_500)).toBeUndefined()
    s.child.kill('SIGTERM')
    expect(await s.exited).toEqual({ code: 2, signal: null })
    const [forced] = await s.line(/^forced exit on second SIGTERM; still active: .*$/)
    expect(forced).toMatch(/Timeout×5\b/)
  })

  it('with --leak close-race the shutdown never completes; a second signal forces it and lists what is left', async () => {
    const s = await startServerProcess(['--leak', 'close-race'])
    const clients = await Promise.all(Array.from({ length: 4 }, async (_, i) => {
      const c = await TestClient.connect(s.port)
      await c.register(`r${i}`)
      return c
    }))
    const witness = await TestClient.connect(s.port)
    for (const c of clients) c.socket.end()
    await serverSawFins(clients, witness)
    s.child.kill('SIGTERM')
    await s.line(/^shutting down on SIGTERM$/)
    expect(await exitWithin(s, 1_500)).toBeUndefined()
    expect(s.stdout).not.toContain('closed')
    s.child.kill('SIGTERM')
    expect(await s.exited).toEqual({ code: 2, signal: null })
    const [forced] = await s.line(/^forced exit on second SIGTERM; still active: .*$/)
    expect(forced).toMatch(/TCPSocketWrap×4\b/)
    expect(forced).toMatch(/Timeout×4\b/)
  })

  it('with --leak socket the loop drains but the shutdown cannot complete: it says so and exits 2', async () => {
    const s = await startServerProcess(['--leak', 'socket'])
    const clients = await Promise.all(Array.from({ length: 4 }, async (_, i) => {
      const c = await TestClient.connect(s.port)
      await c.register(`s${i}`)
      return c
    }))
    // Half-open sockets nobody reads from are not active handles: nothing holds the loop.
    const witness = await TestClient.connect(s.port)
    for (const c of clients) c.socket.end()
    await serverSawFins(clients, witness)
    // The witness leaves by reset: a FIN would leave it half-open too.
    witness.socket.resetAndDestroy()
    await s.record(r => r.event === 'close' && r.reason === 'reset')
    s.child.kill('SIGTERM')
    expect(await exitWithin(s, 10_000)).toEqual({ code: 2, signal: null })
    expect(s.stdout.slice(1)).toEqual(['shutting down on SIGTERM', 'shutdown incomplete: 4 connection(s) never finished closing'])
    expect(s.records().filter(r => r.event === 'close')).toHaveLength(1)
  })
})

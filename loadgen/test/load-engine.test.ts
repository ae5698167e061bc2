import { afterEach, describe, expect, it } from 'vitest'
import { once } from 'node:events'
import { createLoad } from '../src/create-load.js'
import type { LoadOptions } from '../src/load-options.js'
import type { LoadEngine, LoadPhase } from '../src/load-events.js'
import { AlreadyStartedError } from '../src/errors.js'
import { freePort } from '../../bench/irc-servers.js'
import { startFakeServer } from './fake-irc-server.js'
import type { FakeServer, FakeServerOptions } from './fake-irc-server.js'

const fast: Partial<LoadOptions> = { minIntervalMs: 10, maxIntervalMs: 40, messages: 4, connectRate: 1000, drainTimeoutMs: 2000, quitTimeoutMs: 2000, nickPrefix: 'sab', seed: 7 }

let server: FakeServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

async function fake (opts: FakeServerOptions = {}): Promise<FakeServer> {
  server = await startFakeServer(opts)
  return server
}

function load (port: number, o: Partial<LoadOptions> = {}): LoadEngine {
  return createLoad({ ...fast, port, clients: 6, ...o })
}

describe('load engine against a fake server', () => {
  it('runs every phase in order and accounts every delivery', async () => {
    const s = await fake()
    const engine = load(s.port, { recordClients: true })
    const phases: LoadPhase[] = []
    let connected = 0
    let joined = 0
    engine.on('phase', p => phases.push(p))
    engine.on('connected', () => connected++)
    engine.on('joined', () => joined++)
    const done = once(engine, 'done')
    const r = await engine.start()
    expect((await done)[0]).toBe(r)
    expect(phases).toEqual(['connecting', 'sending', 'draining', 'quitting', 'done'])
    expect([connected, joined]).toEqual([6, 6])
    expect(r.outcome).toBe('complete')
    expect(r.messages).toMatchObject({ sent: 24, expected: 24 * 5, delivered: 120, unique: 120, lost: 0, duplicates: 0, foreign: 0 })
    expect(s.privmsgs).toBe(24)
    expect(r.latency.fanout.count).toBe(120)
    expect(r.latency.timerLateness.count).toBe(24)
    // Reads are counted while sending and draining only, when deliveries are all there is to read.
    const w = r.self.workers[0]
    expect(w?.reads).toBeGreaterThan(0)
    expect(w?.reads).toBeLessThanOrEqual(2 * r.messages.delivered)
    expect(w?.delivered).toBe(120)
    expect(r.clients).toMatchObject({ target: 6, connected: 6, registered: 6, joined: 6, quitClean: 6, droppedEarly: 0 })
    // 422 (no MOTD) is part of a normal registration, not an error.
    expect(r.errors).toEqual({})
    for (const c of r.clientRecords ?? []) {
      expect(c.closedMs).not.toBeNull()
      expect(c).toMatchObject({ closedBy: 'server', serverClosed: true, sent: 4, received: 20, error: null })
    }
  })

  it('retries a nick collision with a suffix', async () => {
    const s = await fake({ takenNicks: new Set(['sab0', 'sab3']) })
    const r = await load(s.port, { recordClients: true }).start()
    expect(r.clients.nickRetries).toBe(2)
    expect(r.clients.joined).toBe(6)
    expect(s.registered).toContain('sab0_1')
    expect(r.clientRecords?.find(c => c.id === 3)?.nick).toBe('sab3_1')
    expect(r.messages.lost).toBe(0)
  })

  it('answers a PING sent before registration', async () => {
    const s = await fake({ pingBeforeWelcome: true })
    const r = await load(s.port).start()
    expect(r.clients.registered).toBe(6)
    expect(r.messages.lost).toBe(0)
  })

  it('counts garbage, overlong lines and foreign payloads without crashing or losing messages', async () => {
    const s = await fake({ garbage: true })
    const r = await load(s.port).start()
    expect(r.outcome).toBe('complete')
    expect(r.errors.garbage).toBe(6)
    expect(r.errors['line-too-long']).toBe(6)
    // An unknown numeric outside 400–599 is neither an error nor garbage.
    expect(r.errors['numeric-999']).toBeUndefined()
    // Two foreign PRIVMSGs per relayed message per receiver.
    expect(r.messages.foreign).toBe(2 * 120)
    expect(r.messages).toMatchObject({ unique: 120, lost: 0 })
  })

  it('counts duplicates separately from distinct deliveries', async () => {
    const s = await fake({ duplicate: true })
    const r = await load(s.port).start()
    expect(r.messages).toMatchObject({ expected: 120, delivered: 240, unique: 120, duplicates: 120, lost: 0 })
    expect(r.latency.fanout.count).toBe(120)
  })

  it('does not wait forever for a client that never joins', async () => {
    const s = await fake({ ignoreJoinOf: /^sab[01]$/ })
    const r = await load(s.port, { joinTimeoutMs: 300 }).start()
    expect(r.outcome).toBe('complete')
    expect(r.clients).toMatchObject({ joined: 4, joinFailed: 2 })
    expect(r.errors['join-timeout']).toBe(2)
    // The four that joined send to each other only.
    expect(r.messages).toMatchObject({ sent: 16, expected: 16 * 3, unique: 48, lost: 0 })
  })

  it('counts clients the server drops mid-run and their missed messages as lost, without calling the target dead', async () => {
    const s = await fake({ dropAfterDeliveries: 2 })
    const r = await load(s.port, { clients: 4, messages: 6 }).start()
    expect(r.outcome).toBe('complete')
    // Whoever got two deliveries was dropped; the last sender may not have received enough.
    expect(r.clients.droppedEarly).toBeGreaterThanOrEqual(2)
    expect(r.clients.droppedEarly + r.clients.quitClean).toBe(4)
    expect(r.errors['server-closed']).toBe(r.clients.droppedEarly)
    expect(r.messages.lost).toBe(r.messages.expected - r.messages.unique)
    expect(r.messages.lost).toBeGreaterThan(0)
  })

  it('reports a server that dies mid-run as target-lost with partial results', async () => {
    const s = await fake()
    const engine = load(s.port, { messages: 1000 })
    let killed = false
    s.on('privmsg', () => {
      if (s.privmsgs === 10 && !killed) {
        killed = true
        void s.kill()
      }
    })
    const r = await engine.start()
    expect(r.outcome).toBe('target-lost')
    expect(r.abort?.code).toBe('SW_LOADGEN_TARGET_LOST')
    expect(r.abort?.message).toContain(`127.0.0.1:${s.port}`)
    expect(r.messages.sent).toBeGreaterThanOrEqual(10)
    expect(r.messages.sent).toBeLessThan(6 * 1000)
    expect(r.clients.droppedEarly).toBe(6)
  })

  it('reports a port nobody listens on as target-unreachable', async () => {
    const port = await freePort()
    const r = await load(port).start()
    expect(r.outcome).toBe('target-unreachable')
    expect(r.abort?.code).toBe('SW_LOADGEN_TARGET_UNREACHABLE')
    expect(r.errors.ECONNREFUSED).toBeGreaterThanOrEqual(1)
    expect(r.messages.sent).toBe(0)
  })

  it('stops on request: QUIT on every connection and a partial result', async () => {
    const s = await fake()
    const engine = load(s.port, { messages: 1000, recordClients: true })
    s.on('privmsg', () => { if (s.privmsgs === 12) engine.stop('SIGINT') })
    const r = await engine.start()
    expect(r.outcome).toBe('stopped')
    expect(r.abort?.message).toContain('SIGINT')
    expect(r.clients.quitClean).toBe(6)
    expect(r.clientRecords?.every(c => c.quitSentMs !== null && c.closedMs !== null)).toBe(true)
    expect(r.messages.sent).toBeLessThan(6 * 1000)
  })

  it('spreads rooms over several server instances', async () => {
    const a = await fake()
    const b = await startFakeServer()
    try {
      const r = await load(a.port, { port: [a.port, b.port], clients: 6, roomSize: 3 }).start()
      expect(r.outcome).toBe('complete')
      expect(r.config.ports).toEqual([a.port, b.port])
      // Room 0 (clients 0–2) on the first, room 1 (3–5) on the second.
      expect([a.registered.sort(), b.registered.sort()]).toEqual([['sab0', 'sab1', 'sab2'], ['sab3', 'sab4', 'sab5']])
      expect(r.messages).toMatchObject({ sent: 24, expected: 24 * 2, lost: 0 })
    } finally {
      await b.close()
    }
  })

  it('runs once', async () => {
    const s = await fake()
    const engine = load(s.port, { clients: 1, messages: 0 })
    await engine.start()
    await expect(engine.start()).rejects.toBeInstanceOf(AlreadyStartedError)
  })
})

describe('how clients leave (--disconnect)', () => {
  it('hangs up with a FIN and no QUIT, and records that the server closed its side', async () => {
    const s = await fake()
    const r = await load(s.port, { recordClients: true, disconnect: 'close' }).start()
    expect(r.outcome).toBe('complete')
    expect(r.clients).toMatchObject({ quitClean: 0, hangupClean: 6, hangupTimedOut: 0, resets: 0, droppedEarly: 0 })
    expect(r.errors).toEqual({})
    for (const c of r.clientRecords ?? []) {
      expect(c).toMatchObject({ disconnect: 'close', quitSentMs: null, closedBy: 'client', serverClosed: true })
      expect(c.leftMs).not.toBeNull()
    }
  })

  it('resets, leaving nothing to wait for', async () => {
    const s = await fake()
    const r = await load(s.port, { recordClients: true, disconnect: 'reset' }).start()
    expect(r.clients).toMatchObject({ resets: 6, hangupClean: 0, quitClean: 0, droppedEarly: 0 })
    expect(r.clientRecords?.map(c => [c.disconnect, c.closedBy, c.serverClosed])).toEqual(Array(6).fill(['reset', 'client', false]))
  })

  it('records a server that never closes its side after the FIN, and cuts it off after the quit timeout', async () => {
    const s = await fake({ ignoreFin: true })
    const r = await load(s.port, { recordClients: true, disconnect: 'close', quitTimeoutMs: 300 }).start()
    expect(r.clients).toMatchObject({ hangupClean: 0, hangupTimedOut: 6 })
    expect(r.errors).toEqual({ 'close-timeout': 6 })
    expect(r.clientRecords?.every(c => !c.serverClosed && c.closedMs !== null)).toBe(true)
  })

  it('gives each client its style of the mix by id, the same in every run', async () => {
    const s = await fake()
    const r = await load(s.port, { recordClients: true, disconnect: 'mix', clients: 10 }).start()
    expect(r.config.disconnect).toEqual({ quit: 5, close: 3, reset: 2 })
    expect(r.clients).toMatchObject({ quitClean: 5, hangupClean: 3, resets: 2 })
    expect(r.clientRecords?.map(c => c.disconnect)).toEqual(['quit', 'close', 'reset', 'quit', 'quit', 'close', 'quit', 'reset', 'close', 'quit'])
  })
})

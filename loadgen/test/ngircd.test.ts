import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLoad } from '../src/create-load.js'
import type { LoadOptions } from '../src/load-options.js'
import type { LoadResult } from '../src/load-result.js'
import { decodeHistogram } from '../src/histograms.js'
import { startServer } from '../../bench/irc-servers.js'
import type { RunningServer } from '../../bench/irc-servers.js'
import { workerEntryForTests } from './helper.js'

// A real IRC server we did not write: ngircd from Debian, on loopback with a throw-away config.
let ngircd: RunningServer
beforeAll(async () => {
  ngircd = await startServer('ngircd')
})
afterAll(async () => {
  await ngircd?.stop()
})

const run: Partial<LoadOptions> = { minIntervalMs: 50, maxIntervalMs: 150, messages: 3, connectRate: 500, recordClients: true }

function expectCleanRun (r: LoadResult, clients: number): void {
  expect(r.outcome).toBe('complete')
  expect(r.abort).toBeNull()
  expect(r.clients).toMatchObject({ target: clients, connected: clients, registered: clients, joined: clients, quitClean: clients, droppedEarly: 0, quitTimedOut: 0 })
  expect(r.messages.sent).toBe(clients * 3)
  expect(r.messages.lost).toBe(0)
  expect(r.messages.duplicates).toBe(0)
  expect(r.messages.unique).toBe(r.messages.expected)
  expect(r.errors).toEqual({})
  expect(decodeHistogram(r.latency.fanout).totalCount).toBe(r.messages.unique)
  // Every lifecycle closed: QUIT sent, the server closed its side, nothing left open.
  expect(r.clientRecords).toHaveLength(clients)
  for (const c of r.clientRecords ?? []) {
    expect(c.nick.length).toBeLessThanOrEqual(9)
    expect(c.localAddress).toBe('127.0.0.1')
    expect(c.localPort).toBeGreaterThan(0)
    expect(c.registeredMs).not.toBeNull()
    expect(c.joinedMs).not.toBeNull()
    expect(c.quitSentMs).not.toBeNull()
    expect(c.closedMs).not.toBeNull()
    expect(c).toMatchObject({ closedBy: 'server', serverClosed: true, error: null })
  }
}

describe('loadgen against ngircd', () => {
  it('runs 50 clients in one room with zero loss and every lifecycle closed', async () => {
    const r = await createLoad({ ...run, port: ngircd.port, clients: 50 }).start()
    expectCleanRun(r, 50)
    expect(r.messages.expected).toBe(150 * 49)
  })

  it('spreads 40 clients over 2 worker processes and merges their results exactly', async () => {
    // One room across both workers: half the deliveries cross processes.
    const engine = createLoad({ ...run, port: ngircd.port, clients: 40, workers: 2 }, { workerEntry: workerEntryForTests() })
    let joined = 0
    engine.on('joined', () => joined++)
    const r = await engine.start()
    expectCleanRun(r, 40)
    expect(r.messages.expected).toBe(120 * 39)
    expect(joined).toBe(40)
    expect(r.self.workers.map(w => w.worker)).toEqual([0, 1])
    expect(new Set(r.self.workers.map(w => w.pid)).size).toBe(2)
    expect(r.clientRecords?.map(c => c.id)).toEqual(Array.from({ length: 40 }, (_, i) => i))
  })

  it('splits clients into rooms that bound the fan-out', async () => {
    const r = await createLoad({ ...run, port: ngircd.port, clients: 30, roomSize: 10, recordClients: false }).start()
    expect(r.outcome).toBe('complete')
    expect(r.rooms.map(x => [x.channel, x.members])).toEqual([['#soak-0', 10], ['#soak-1', 10], ['#soak-2', 10]])
    expect(r.messages.expected).toBe(90 * 9)
    expect(r.messages.lost).toBe(0)
  })
})

describe('worker failures', () => {
  it('reports a worker that crashes mid-run, with the results of the others', async () => {
    const entry = new URL('./fixtures/crashing-worker.mjs', import.meta.url).pathname
    const r = await createLoad({ ...run, port: ngircd.port, clients: 20, workers: 2, messages: 1000, minIntervalMs: 20, maxIntervalMs: 60 },
      { workerEntry: entry }).start()
    expect(r.outcome).toBe('worker-failed')
    expect(r.abort?.code).toBe('SW_LOADGEN_WORKER_FAILED')
    expect(r.abort?.message).toContain('worker 1')
    expect(r.clients.target).toBe(20)
    expect(r.self.workers.map(w => w.worker)).toEqual([0])
    expect(r.clientRecords?.every(c => c.id < 10)).toBe(true)
  })

  it('rejects start() when no worker can start', async () => {
    const entry = new URL('./fixtures/dead-worker.mjs', import.meta.url).pathname
    await expect(createLoad({ ...run, port: ngircd.port, clients: 4, workers: 2 }, { workerEntry: entry }).start())
      .rejects.toMatchObject({ code: 'SW_LOADGEN_WORKER_FAILED' })
  })
})

describe('source addresses', () => {
  it('connects from the given loopback addresses in turn', async () => {
    const r = await createLoad({ ...run, port: ngircd.port, clients: 6, sourceAddresses: ['127.0.0.2', '127.0.0.3'] }).start()
    expect(r.outcome).toBe('complete')
    expect(r.clientRecords?.map(c => c.localAddress)).toEqual(['127.0.0.2', '127.0.0.3', '127.0.0.2', '127.0.0.3', '127.0.0.2', '127.0.0.3'])
    expect(r.messages.lost).toBe(0)
  })
})

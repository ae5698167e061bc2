import { describe, expect, it } from 'vitest'
import { clientLifecycle, summarizeLoad } from '../src/load-observations.js'
import { fakeResult } from '../../loadgen/test/helper.js'
import type { ClientRecord } from '../../loadgen/src/load-result.js'

describe('what the soak keeps of a load result', () => {
  it('summarizes counts, loss and fan-out latency in ms', () => {
    const r = fakeResult({ clients: 10, sent: 100, expected: 900, unique: 891, fanout: [500, 1000, 1500, 2000] })
    expect(summarizeLoad(r)).toEqual({
      clients: 10,
      connected: 10,
      messagesSent: 100,
      expected: 900,
      delivered: 891,
      lost: 9,
      lossRatio: 0.01,
      latencyMs: { p50: 1, p99: 2, max: 2 },
      durationMs: 10_000
    })
    expect(summarizeLoad(fakeResult()).lossRatio).toBe(0)
  })

  it('gives each client the address the server logs as its remote, and only the steps it reached', () => {
    const base = fakeResult({ recordIds: [1] }).clientRecords?.[0] as ClientRecord
    expect(clientLifecycle(base)).toEqual({ nick: 's1', localAddress: '127.0.0.1:40001', connectedAt: 2, registeredAt: 3, closedAt: 6, closedBy: 'server' })
    expect(clientLifecycle({ ...base, localAddress: '::1', localPort: 5 }).localAddress).toBe('[::1]:5')
    expect(clientLifecycle({ ...base, localAddress: null, connectedMs: null, registeredMs: null, closedMs: null, closedBy: null })).toEqual({ nick: 's1' })
  })
})

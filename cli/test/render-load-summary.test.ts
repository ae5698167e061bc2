import { describe, expect, it } from 'vitest'
import { cpuPerMillion, fmtMs, renderLoadSummary } from '../src/render-load-summary.js'
import { fakeResult } from '../../loadgen/test/helper.js'

describe('renderLoadSummary', () => {
  it('shows counts, loss, latency percentiles and the loadgen verdict', () => {
    const r = fakeResult({ clients: 10, sent: 30, expected: 270, unique: 268, fanout: [1000, 2000, 50_000], errors: { ECONNRESET: 2 } })
    const text = renderLoadSummary(r)
    expect(text).toContain('outcome: complete')
    expect(text).toMatch(/│ 30\s+│ 270\s+│ 268\s+│ 2\s+│ 0\.741%/)
    expect(text).toContain('fan-out (from intended send)')
    expect(text).toMatch(/ECONNRESET\s+│ 2/)
    expect(text).toContain('loadgen was not the bottleneck')
  })

  it('says when results are partial and why', () => {
    const r = { ...fakeResult({ outcome: 'target-lost' }), abort: { code: 'SW_LOADGEN_TARGET_LOST', message: 'target 127.0.0.1:1 dropped all 5' } }
    const text = renderLoadSummary(r)
    expect(text).toContain('outcome: target-lost (partial results)')
    expect(text).toContain('error SW_LOADGEN_TARGET_LOST: target 127.0.0.1:1 dropped all 5')
  })

  it('flags the loadgen as the bottleneck with its reasons', () => {
    const r = fakeResult()
    r.self = { ...r.self, bottleneck: true, reasons: ['event-loop lag p99 80.0 ms > 50 ms'] }
    expect(renderLoadSummary(r)).toContain('LOADGEN IS THE BOTTLENECK — latency figures are suspect: event-loop lag p99 80.0 ms > 50 ms')
  })

  it('formats microseconds as milliseconds and CPU per million deliveries', () => {
    expect([fmtMs(1234), fmtMs(12_345), fmtMs(123_456)]).toEqual(['1.23', '12.3', '123'])
    const r = fakeResult({ unique: 2_000_000 })
    r.self.workers[0]!.sendCpuMs = 1500
    expect(cpuPerMillion(r)).toBeCloseTo(0.75)
  })
})

import { describe, expect, it } from 'vitest'
import { judgeBottleneck } from '../src/bottleneck.js'

describe('judgeBottleneck', () => {
  const calm = { lagP99Ms: 3, timerLatenessP99Ms: 2, sendCpuFraction: 0.3 }

  it('clears a loadgen whose loop, timers and CPU have headroom', () => {
    expect(judgeBottleneck(calm)).toEqual({ bottleneck: false, reasons: [] })
  })

  it('names every figure that crossed its threshold', () => {
    const v = judgeBottleneck({ lagP99Ms: 80, timerLatenessP99Ms: 120, sendCpuFraction: 0.97 })
    expect(v.bottleneck).toBe(true)
    expect(v.reasons).toHaveLength(3)
    expect(v.reasons[0]).toContain('event-loop lag p99 80.0 ms > 50 ms')
    expect(v.reasons[2]).toContain('CPU 97%')
  })

  it('uses the thresholds it is given and ignores CPU when nothing was sent', () => {
    expect(judgeBottleneck({ ...calm, lagP99Ms: 20 }, { lagP99Ms: 10, timerLatenessP99Ms: 50, cpuFraction: 0.9 }).bottleneck).toBe(true)
    expect(judgeBottleneck({ ...calm, sendCpuFraction: NaN }).bottleneck).toBe(false)
  })
})

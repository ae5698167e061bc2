import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { SettlePolicy, SettleSample } from '../src/settle.js'
import { DEFAULT_SETTLE_POLICY, sampleFromCounts, settlePolicy, settleStep, startSettle } from '../src/settle.js'
import { waitForSettle } from '../src/wait-for-settle.js'

/** Runs the pure decision over a scripted series of samples on a virtual clock. */
function simulate (samples: SettleSample[], policy: SettlePolicy): { stable: boolean | undefined, used: number, delays: number[], elapsed: number } {
  let now = 0
  let state = startSettle(now, policy)
  const delays: number[] = []
  for (const [i, sample] of samples.entries()) {
    const { state: next, decision } = settleStep(state, sample, now, policy)
    state = next
    if (decision.done) return { stable: decision.stable, used: i + 1, delays, elapsed: now }
    delays.push(decision.nextDelayMs)
    now += decision.nextDelayMs
  }
  return { stable: undefined, used: samples.length, delays, elapsed: now }
}

const policy: SettlePolicy = { initialDelayMs: 10, maxDelayMs: 80, stableSamples: 3, timeoutMs: 1000 }

describe('settle decision', () => {
  it('is stable after the configured number of identical samples in a row', () => {
    const draining = [{ open: 5 }, { open: 3 }, { open: 0 }, { open: 0 }, { open: 0 }, { open: 0 }]
    expect(simulate(draining, policy)).toMatchObject({ stable: true, used: 5 })
  })

  it('polls fast while counts move and doubles the wait, capped, while they hold', () => {
    const samples = [{ a: 1 }, { a: 2 }, { a: 3 }, ...Array.from({ length: 10 }, () => ({ a: 3 }))]
    const { delays } = simulate(samples, { ...policy, stableSamples: 6 })
    expect(delays).toEqual([10, 10, 10, 20, 40, 80, 80])
  })

  it('gives up, unstable, once the timeout has passed', () => {
    const flapping = Array.from({ length: 1000 }, (_, i) => ({ a: i % 2 }))
    const result = simulate(flapping, policy)
    expect(result.stable).toBe(false)
    expect(result.elapsed).toBeLessThanOrEqual(policy.timeoutMs)
  })

  it('treats added or removed keys as a change', () => {
    expect(simulate([{ a: 1 }, { a: 1, b: 0 }, { a: 1, b: 0 }], { ...policy, stableSamples: 2 })).toMatchObject({ stable: true, used: 3 })
  })

  it('never waits outside [initial, max] nor past the timeout, whatever the samples', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 1, maxLength: 200 }), (values) => {
      const { delays, elapsed } = simulate(values.map((v) => ({ v })), policy)
      for (const d of delays) expect(d).toBeLessThanOrEqual(policy.maxDelayMs)
      expect(elapsed).toBeLessThanOrEqual(policy.timeoutMs)
    }))
  })

  it('builds policies from overrides, ignoring nonsense', () => {
    expect(settlePolicy({ timeoutMs: 500, maxDelayMs: -1, stableSamples: 1 })).toEqual({ ...DEFAULT_SETTLE_POLICY, timeoutMs: 500, stableSamples: 2 })
  })
})

describe('sampleFromCounts', () => {
  it('flattens handle and timer counts and only the stats asked for, leaving out transient requests', () => {
    const sample = sampleFromCounts({
      pid: 1,
      activeResources: { Timeout: 2, FSReqCallback: 1, GetAddrInfoReqWrap: 1, TCPSocketWrap: 5 },
      tracked: { TCPWRAP: 3, Immediate: 1 },
      stats: { connectionsOpen: 4, messagesRelayed: 99 }
    })
    expect(sample).toEqual({ 'active.Timeout': 2, 'active.TCPSocketWrap': 5, 'tracked.TCPWRAP': 3, 'stats.connectionsOpen': 4 })
  })
})

describe('waitForSettle', () => {
  it('polls the probe until the pure decision says stable', async () => {
    const values = [3, 2, 1, 0, 0, 0]
    let calls = 0
    const result = await waitForSettle(async () => ({ open: values[Math.min(calls++, values.length - 1)] ?? 0 }), { ...policy, initialDelayMs: 1, maxDelayMs: 2 })
    expect(result).toMatchObject({ stable: true, samples: 6, last: { open: 0 } })
  })

  it('stops when aborted', async () => {
    const controller = new AbortController()
    const pending = waitForSettle(async () => ({ a: Math.random() }), { ...policy, initialDelayMs: 5 }, { signal: controller.signal })
    controller.abort()
    await expect(pending).rejects.toThrow(/abort/i)
  })
})

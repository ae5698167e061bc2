import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { DISCONNECT_MIX, disconnectCycle, formatDisconnect, parseDisconnect, resolveDisconnect } from '../src/disconnect.js'
import type { DisconnectMix } from '../src/disconnect.js'
import { hasCode } from '../../common/src/define-error.js'

function refused (run: () => unknown): string {
  try {
    run()
  } catch (err) {
    expect(hasCode(err, 'SW_LOADGEN_INVALID_OPTION')).toBe(true)
    return (err as Error).message
  }
  throw new Error('accepted')
}

describe('parseDisconnect', () => {
  it('reads one style, mix, or weights per style', () => {
    expect(parseDisconnect('quit')).toEqual({ quit: 1, close: 0, reset: 0 })
    expect(parseDisconnect('reset')).toEqual({ quit: 0, close: 0, reset: 1 })
    expect(parseDisconnect('mix')).toEqual(DISCONNECT_MIX)
    expect(parseDisconnect('quit:6, close:3,reset:1')).toEqual({ quit: 6, close: 3, reset: 1 })
    expect(parseDisconnect('close=1')).toEqual({ quit: 0, close: 1, reset: 0 })
  })

  it('refuses unknown styles, repeated styles, bad weights and an empty mix, naming the value', () => {
    expect(refused(() => parseDisconnect('hangup'))).toContain('"hangup"')
    expect(refused(() => parseDisconnect('quit:1,quit:2'))).toContain('each style once')
    expect(refused(() => parseDisconnect('quit:-1'))).toContain('quit:-1')
    expect(refused(() => parseDisconnect('quit:0,close:0'))).toContain('summing to')
    expect(refused(() => resolveDisconnect({ quit: 0.5, close: 1 }))).toContain('whole-number')
  })

  it('defaults to every client saying QUIT', () => {
    expect(resolveDisconnect(undefined)).toEqual({ quit: 1, close: 0, reset: 0 })
  })

  it('formats a mix back to what parses to it', () => {
    expect(formatDisconnect(DISCONNECT_MIX)).toBe('quit:5,close:3,reset:2')
    expect(formatDisconnect(parseDisconnect('close'))).toBe('close')
    expect(parseDisconnect(formatDisconnect(DISCONNECT_MIX))).toEqual(DISCONNECT_MIX)
  })
})

describe('disconnectCycle', () => {
  it('spreads the default mix so that the first four clients already use every style', () => {
    const cycle = disconnectCycle(DISCONNECT_MIX)
    expect(cycle).toHaveLength(10)
    expect(new Set(cycle.slice(0, 4))).toEqual(new Set(['quit', 'close', 'reset']))
  })

  it('gives each style exactly its weight per cycle, evenly spaced', () => {
    const weight = fc.integer({ min: 0, max: 12 })
    fc.assert(fc.property(weight, weight, weight, (quit, close, reset) => {
      fc.pre(quit + close + reset > 0)
      const mix: DisconnectMix = { quit, close, reset }
      const cycle = disconnectCycle(mix)
      const total = quit + close + reset
      expect(cycle).toHaveLength(total)
      for (const style of ['quit', 'close', 'reset'] as const) {
        expect(cycle.filter((s) => s === style)).toHaveLength(mix[style])
        // Smooth round-robin: in any window of k clients, a style appears within 2 of its share.
        let worst = 0
        for (let start = 0; start < total; start++) {
          let n = 0
          for (let k = 1; k <= total; k++) {
            if (cycle[(start + k - 1) % total] === style) n++
            worst = Math.max(worst, Math.abs(n - (k * mix[style]) / total))
          }
        }
        expect(worst).toBeLessThan(2)
      }
    }), { numRuns: 200 })
  })
})

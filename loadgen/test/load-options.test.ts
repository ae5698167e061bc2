import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { channelName, resolveLoadOptions, roomCount, roomOf, workerSlice } from '../src/load-options.js'
import type { LoadOptions } from '../src/load-options.js'
import { InvalidLoadOptionError } from '../src/errors.js'
import type { SoakwatchError } from '../../common/src/define-error.js'

const base = { port: 6667, nickPrefix: 'sab', seed: 1 }

function invalid (o: Partial<LoadOptions>): string {
  try {
    resolveLoadOptions({ ...base, ...o })
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidLoadOptionError)
    expect((err as SoakwatchError).code).toBe('SW_LOADGEN_INVALID_OPTION')
    return (err as Error).message
  }
  throw new Error(`accepted ${JSON.stringify(o)}`)
}

describe('resolveLoadOptions', () => {
  it('fills the defaults of the issue: 1–3 s intervals, 11 messages, one room of all clients', () => {
    const r = resolveLoadOptions({ ...base, clients: 500 })
    expect(r).toMatchObject({ host: '127.0.0.1', clients: 500, minIntervalMs: 1000, maxIntervalMs: 3000, messages: 11, durationS: null, roomSize: 500, workers: 1, channel: '#soak' })
  })

  it('sends for a duration instead of a count when only --duration is given', () => {
    expect(resolveLoadOptions({ ...base, durationS: 30 })).toMatchObject({ messages: null, durationS: 30 })
    expect(resolveLoadOptions({ ...base, durationS: 30, messages: 5 })).toMatchObject({ messages: 5, durationS: 30 })
  })

  it.each<[string, Partial<LoadOptions>]>([
    ['port', { port: 0 }],
    ['port', { port: 70000 }],
    ['clients', { clients: 0 }],
    ['maxIntervalMs', { minIntervalMs: 3000, maxIntervalMs: 1000 }],
    ['connectRate', { connectRate: 0 }],
    ['channel', { channel: 'soak' }],
    ['channel', { channel: '#' + 'x'.repeat(47), clients: 2000, roomSize: 10 }],
    ['roomSize', { roomSize: 0 }],
    ['workers', { clients: 2, workers: 3 }],
    ['payloadBytes', { payloadBytes: 600 }],
    ['drainTimeoutMs', { drainTimeoutMs: -1 }],
    ['nickPrefix', { nickPrefix: 'toolongprefix' }],
    ['nickPrefix', { nickPrefix: '9ab' }]
  ])('rejects a bad %s and names it with the offending value', (name, o) => {
    const message = invalid(o)
    expect(message).toContain(name)
  })
})

describe('rooms and worker slices', () => {
  it('packs clients into rooms in id order and names a room only when there are several', () => {
    expect(roomCount(25, 10)).toBe(3)
    expect([0, 9, 10, 24].map(id => roomOf(id, 10))).toEqual([0, 0, 1, 2])
    expect(channelName('#soak', 0, 1)).toBe('#soak')
    expect(channelName('#soak', 2, 3)).toBe('#soak-2')
  })

  it('splits clients into contiguous slices that cover every id exactly once', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 100_000 }), fc.integer({ min: 1, max: 64 }), (clients, workersWanted) => {
      const workers = Math.min(clients, workersWanted)
      let next = 0
      for (let w = 0; w < workers; w++) {
        const s = workerSlice(clients, workers, w)
        expect(s.start).toBe(next)
        expect(s.end).toBeGreaterThan(s.start)
        next = s.end
      }
      expect(next).toBe(clients)
    }))
  })
})

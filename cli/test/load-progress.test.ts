import { describe, expect, it } from 'vitest'
import { EventEmitter } from 'node:events'
import { attachLoadProgress, statusLine } from '../src/load-progress.js'
import type { LoadEngine, LoadEvents, TickEvent } from '../../loadgen/src/load-events.js'

const tick = (s: number, over: Partial<TickEvent> = {}): TickEvent => ({
  elapsedMs: s * 1000, phase: 'sending', target: 500, connected: 500, joined: 500, sent: 10 * s, delivered: 4990 * s,
  deliveredPerS: 4990, windowP99Ms: 12.34, errors: 0, lagP99Ms: 2, cpuPct: 30, ...over
})

function fakeEngine (): LoadEngine {
  return new EventEmitter<LoadEvents>() as unknown as LoadEngine
}

describe('load progress', () => {
  it('puts elapsed, connected/target, sent, delivered/s, p99 and errors on one line', () => {
    expect(statusLine(tick(12))).toBe('  12 s  sending    connected 500/500  sent 120  delivered/s 4,990  p99 12.3 ms  errors 0')
    expect(statusLine(tick(1, { lagP99Ms: 80 }))).toContain('loop lag 80 ms!')
  })

  it('rewrites one line on a TTY', () => {
    const engine = fakeEngine()
    const out: string[] = []
    attachLoadProgress(engine, { isTTY: true, write: s => out.push(s) })
    engine.emit('tick', tick(1))
    engine.emit('tick', tick(2))
    expect(out).toHaveLength(2)
    expect(out.every(s => s.startsWith('\r\x1b[2K') && !s.includes('\n'))).toBe(true)
  })

  it('prints a line every 5 s and every phase change elsewhere, and stops when detached', () => {
    const engine = fakeEngine()
    const out: string[] = []
    const detach = attachLoadProgress(engine, { write: s => out.push(s) })
    engine.emit('phase', 'connecting')
    for (let s = 1; s <= 11; s++) engine.emit('tick', tick(s))
    engine.emit('phase', 'draining')
    detach()
    engine.emit('tick', tick(20))
    expect(out).toEqual(['phase: connecting\n', statusLine(tick(1)) + '\n', statusLine(tick(6)) + '\n', statusLine(tick(11)) + '\n', 'phase: draining\n'])
  })
})

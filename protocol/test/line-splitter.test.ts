import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { LineSplitter } from '../src/line-splitter.js'

function collect (max: number): { splitter: LineSplitter, lines: string[], overflows: { n: number } } {
  const lines: string[] = []
  const overflows = { n: 0 }
  const splitter = new LineSplitter(max, { onLine: l => lines.push(l), onOverflow: () => { overflows.n++ } })
  return { splitter, lines, overflows }
}

describe('LineSplitter', () => {
  it('splits on CR LF and on bare LF, across chunk boundaries', () => {
    const { splitter, lines } = collect(512)
    splitter.push(Buffer.from('NICK a\r\nUSER a 0 * :A\nJO'))
    splitter.push(Buffer.from('IN #x\r'))
    splitter.push(Buffer.from('\n'))
    expect(lines).toEqual(['NICK a', 'USER a 0 * :A', 'JOIN #x'])
    expect(splitter.pendingBytes).toBe(0)
  })

  it('accepts a line of exactly the limit and rejects one byte more, once per line', () => {
    const { splitter, lines, overflows } = collect(12)
    splitter.push(Buffer.from('x'.repeat(10) + '\r\n'))
    splitter.push(Buffer.from('y'.repeat(11) + '\r\nok\r\n'))
    expect(lines).toEqual(['x'.repeat(10), 'ok'])
    expect(overflows.n).toBe(1)
  })

  it('bounds input without a newline and resumes at the next line', () => {
    const { splitter, lines, overflows } = collect(512)
    for (let i = 0; i < 1000; i++) {
      splitter.push(Buffer.alloc(1024, 0x41))
      expect(splitter.pendingBytes).toBeLessThanOrEqual(512)
    }
    splitter.push(Buffer.from('tail\nPING x\r\n'))
    expect(overflows.n).toBe(1)
    expect(lines).toEqual(['PING x'])
  })

  it('is byte-transparent: invalid UTF-8 comes out as the same octets', () => {
    const { splitter, lines } = collect(512)
    const bytes = Buffer.from([0x50, 0xff, 0xfe, 0xc3, 0x28, 0x0a])
    splitter.push(bytes)
    expect(Buffer.from(lines[0] as string, 'latin1')).toEqual(bytes.subarray(0, 5))
  })

  it('yields the same lines however the stream is chunked', () => {
    fc.assert(fc.property(
      fc.array(fc.string({ maxLength: 20, unit: fc.constantFrom('a', 'b', ' ', ':', '\r') }), { maxLength: 20 }),
      fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 50 }),
      (rawLines, cuts) => {
        const lines = rawLines.map(l => l.replace(/\r+$/, ''))
        const stream = Buffer.from(lines.map(l => l + '\r\n').join(''), 'latin1')
        const { splitter, lines: out, overflows } = collect(64)
        let at = 0
        let c = 0
        while (at < stream.length) {
          const n = cuts[c++ % cuts.length] as number
          splitter.push(stream.subarray(at, at + n))
          at += n
        }
        expect(overflows.n).toBe(0)
        expect(out).toEqual(lines)
      }
    ), { numRuns: 3000 })
  })

  it('reads only the first `length` bytes of a reused chunk', () => {
    const { splitter, lines } = collect(512)
    const reused = Buffer.from('PING a\r\nPIN\nstale\r\n')
    splitter.push(reused, 11)
    expect(lines).toEqual(['PING a'])
    expect(splitter.pendingBytes).toBe(3)
    splitter.push(Buffer.from('G b\r\n'))
    expect(lines).toEqual(['PING a', 'PING b'])
  })
})

describe('LineSplitter byte path', () => {
  type Event = string | { overflow: true }
  const byString = (max: number, events: Event[]): LineSplitter =>
    new LineSplitter(max, { onLine: l => events.push(l), onOverflow: () => events.push({ overflow: true }) })
  const byBytes = (max: number, events: Event[]): LineSplitter =>
    new LineSplitter(max, { onLineBytes: (b, s, e) => events.push(b.toString('latin1', s, e)), onOverflow: () => events.push({ overflow: true }) })

  it('gives the same lines and overflows as the string path, however the bytes are chunked', () => {
    // Bytes rich in line ends and long runs without one, so that lines span chunks, end in
    // CR, overflow, and resume; each chunk is fed inside a larger reused buffer with stale
    // bytes (newlines included) after it, as the loadgen's shared read buffer is.
    const octet = fc.oneof(fc.constantFrom(0x0a, 0x0d, 0x20, 0x3a), fc.integer({ min: 0, max: 255 }))
    fc.assert(fc.property(
      fc.array(octet, { maxLength: 400 }),
      fc.array(fc.integer({ min: 1, max: 90 }), { minLength: 1, maxLength: 20 }),
      fc.integer({ min: 3, max: 40 }),
      (stream, cuts, max) => {
        const bytes = Buffer.from(stream)
        const viaString: Event[] = []
        const viaBytes: Event[] = []
        const a = byString(max, viaString)
        const b = byBytes(max, viaBytes)
        const reused = Buffer.alloc(128, '\nstale\r\n')
        let at = 0
        for (let c = 0; at < bytes.length; c++) {
          const n = Math.min(cuts[c % cuts.length] as number, bytes.length - at)
          a.push(bytes.subarray(at, at + n))
          bytes.copy(reused, 0, at, at + n)
          b.push(reused, n)
          reused.fill('\nstale\r\n', 0, n)
          at += n
          expect(b.pendingBytes).toBe(a.pendingBytes)
        }
        expect(viaBytes).toEqual(viaString)
      }
    ), { numRuns: 3000 })
  })
})

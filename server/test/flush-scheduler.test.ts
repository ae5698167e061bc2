import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { FlushScheduler } from '../src/flush-scheduler.js'
import { crowd, startServer } from './helper.js'

const nextIteration = async (): Promise<void> => await new Promise(resolve => setImmediate(resolve))

describe('FlushScheduler.join', () => {
  it('always gives the concatenation of the parts, whatever was joined before', () => {
    const pool = ['a\r\n', 'bb\r\n', 'ccc\r\n', 'dddd\r\n'].map(s => Buffer.from(s))
    fc.assert(fc.property(
      fc.array(fc.array(fc.integer({ min: 0, max: pool.length - 1 }), { minLength: 2, maxLength: 5 }), { minLength: 1, maxLength: 12 }),
      lists => {
        const scheduler = new FlushScheduler()
        let previous: { key: string, out: Buffer } | undefined
        for (const list of lists) {
          const parts = list.map(i => pool[i] as Buffer)
          const expected = Buffer.concat(parts)
          const out = scheduler.join(parts, expected.length)
          expect(out).toEqual(expected)
          // The same Buffers in the same order as the previous caller: the same result, shared.
          const key = list.join(',')
          if (previous?.key === key) expect(out).toBe(previous.out)
          previous = { key, out }
        }
      }
    ), { numRuns: 500 })
  })

  it('does not share between lists as long and as many as each other made of other Buffers', () => {
    const scheduler = new FlushScheduler()
    const a = [Buffer.from('x\r\n'), Buffer.from('y\r\n')]
    const b = [Buffer.from('y\r\n'), Buffer.from('x\r\n')]
    expect(scheduler.join(a, 6).toString()).toBe('x\r\ny\r\n')
    expect(scheduler.join(b, 6).toString()).toBe('y\r\nx\r\n')
  })

  it('keeps nothing after the iteration in which it joined', async () => {
    const scheduler = new FlushScheduler()
    const parts = [Buffer.from('x\r\n'), Buffer.from('y\r\n')]
    const first = scheduler.join(parts, 6)
    expect(scheduler.join(parts, 6)).toBe(first)
    await nextIteration()
    expect(scheduler.join(parts, 6)).not.toBe(first)
  })
})

describe('per-iteration batches', () => {
  it('gives each member exactly its own deliveries when members of one iteration were sent different lists', async () => {
    const srv = await startServer()
    const [sender, onlyA, both, onlyB, alsoA] = await crowd(srv, 5, 'm')
    // Joined one by one, so that the flush order is known: onlyA, both, alsoA, then onlyB.
    for (const c of [onlyA, both, alsoA, sender]) await c!.join('#a')
    for (const c of [both, onlyB, sender]) await c!.join('#b')
    // One write, so one read and one loop iteration on the server: every recipient's lines of
    // it are joined in the same flush run. alsoA's two lines and onlyB's next are as many and
    // as long, but not the same Buffers.
    sender!.write('PRIVMSG #a :one\r\nPRIVMSG #b :two\r\nPRIVMSG #a :three\r\nPRIVMSG #b :eight\r\n')
    const relayed = (c: typeof sender): string[] => c!.lines.filter(l => l.startsWith(':m0!') && l.includes(' PRIVMSG ')).map(l => l.slice(l.indexOf(' PRIVMSG ') + 9))
    await onlyA!.expect('PRIVMSG #a :three')
    await alsoA!.expect('PRIVMSG #a :three')
    await both!.expect('PRIVMSG #b :eight')
    await onlyB!.expect('PRIVMSG #b :eight')
    expect(relayed(onlyA)).toEqual(['#a :one', '#a :three'])
    expect(relayed(alsoA)).toEqual(['#a :one', '#a :three'])
    expect(relayed(both)).toEqual(['#a :one', '#b :two', '#a :three', '#b :eight'])
    expect(relayed(onlyB)).toEqual(['#b :two', '#b :eight'])
  })
})

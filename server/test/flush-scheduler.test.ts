import fc from 'fast-check'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { FlushScheduler } from '../src/flush-scheduler.js'
import { crowd, startServer } from './helper.js'

const nextIteration = async (): Promise<void> => await new Promise(resolve => setImmediate(resolve))

/** Joins each list in one flush run, as outboxes flushed one after the other do. */
async function joinInOneRun (scheduler: FlushScheduler, lists: Buffer[][]): Promise<Buffer[]> {
  const out: Buffer[] = []
  for (const parts of lists) scheduler.schedule({ flush: () => { out.push(scheduler.join(parts, Buffer.concat(parts).length)) } })
  await nextIteration()
  return out
}

describe('FlushScheduler.join', () => {
  it('always gives the concatenation of the parts, whatever was joined before in the run', async () => {
    const pool = ['a\r\n', 'bb\r\n', 'ccc\r\n', 'dddd\r\n'].map(s => Buffer.from(s))
    await fc.assert(fc.asyncProperty(
      fc.array(fc.array(fc.integer({ min: 0, max: pool.length - 1 }), { minLength: 2, maxLength: 5 }), { minLength: 1, maxLength: 12 }),
      async lists => {
        const parts = lists.map(list => list.map(i => pool[i] as Buffer))
        const out = await joinInOneRun(new FlushScheduler(), parts)
        for (let k = 0; k < lists.length; k++) {
          expect(out[k]).toEqual(Buffer.concat(parts[k] as Buffer[]))
          // The same Buffers in the same order as the previous caller: the same result, shared.
          if (k > 0 && lists[k]?.join() === lists[k - 1]?.join()) expect(out[k]).toBe(out[k - 1])
        }
      }
    ), { numRuns: 300 })
  })

  it('does not share between lists as long and as many as each other made of other Buffers', async () => {
    const [x, y] = await joinInOneRun(new FlushScheduler(), [
      [Buffer.from('x\r\n'), Buffer.from('y\r\n')],
      [Buffer.from('y\r\n'), Buffer.from('x\r\n')]
    ])
    expect(x?.toString()).toBe('x\r\ny\r\n')
    expect(y?.toString()).toBe('y\r\nx\r\n')
  })

  it('keeps nothing outside a flush run, nor from one run to the next', async () => {
    const scheduler = new FlushScheduler()
    const parts = [Buffer.from('x\r\n'), Buffer.from('y\r\n')]
    const outside = scheduler.join(parts, 6)
    expect(scheduler.join(parts, 6)).not.toBe(outside)
    const [first, again] = await joinInOneRun(scheduler, [parts, parts])
    expect(again).toBe(first)
    const [next] = await joinInOneRun(scheduler, [parts])
    expect(next).not.toBe(first)
    expect(next).toEqual(first)
  })
})

describe('FlushScheduler with a minimum interval', () => {
  afterEach(() => { vi.useRealTimers() })

  it('flushes the first delivery after a quiet spell at once and holds the next ones for the interval', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setImmediate'] })
    let now = 1_000
    const scheduler = new FlushScheduler(5, () => now)
    const flushed: string[] = []
    const target = (name: string): { flush: () => void } => ({ flush: () => { flushed.push(name) } })
    scheduler.schedule(target('a'))
    vi.advanceTimersToNextTimer()
    expect(flushed).toEqual(['a'])
    // 2 ms later: 3 ms of the interval are left; both wait for one run.
    now += 2
    scheduler.schedule(target('b'))
    scheduler.schedule(target('c'))
    vi.advanceTimersByTime(2)
    expect(flushed).toEqual(['a'])
    now += 3
    vi.advanceTimersByTime(1)
    expect(flushed).toEqual(['a', 'b', 'c'])
    // Quiet for longer than the interval: at once again.
    now += 50
    scheduler.schedule(target('d'))
    vi.advanceTimersToNextTimer()
    expect(flushed).toEqual(['a', 'b', 'c', 'd'])
    expect(vi.getTimerCount()).toBe(0)
  })

  it('flushes every iteration with no interval', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setImmediate'] })
    const scheduler = new FlushScheduler(0, () => 0)
    const flushed: number[] = []
    for (let i = 0; i < 3; i++) {
      scheduler.schedule({ flush: () => { flushed.push(i) } })
      vi.advanceTimersToNextTimer()
    }
    expect(flushed).toEqual([0, 1, 2])
  })
})

describe.each([0, 20])('batched writes, flush interval %i ms', flushIntervalMs => {
  it('give each member exactly its own deliveries when members of one flush were sent different lists', async () => {
    const srv = await startServer({ flushIntervalMs })
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

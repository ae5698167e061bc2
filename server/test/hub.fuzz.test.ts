/**
 * Property-based fuzz of the chat core: random sessions of IRC-ish and random lines from a
 * few clients, some of whom vanish mid-way. Whatever the input, the hub must not throw, every
 * byte it sends must be well-formed IRC within the line limit, nick and channel bookkeeping
 * must stay consistent, and once every client is gone nothing may be left.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { foldCase, parseMessage } from '../../protocol/src/index.js'
import { ChatHub } from '../src/chat-hub.js'
import { FakeMember } from './fake-member.js'

const MAX_LINE = 512

const nickish = fc.constantFrom('a', 'A', 'b', 'a[', 'A{', 'x|y', 'X\\Y', 'n1', '1n', '-', 'long'.repeat(10), '', ':a')
const channelish = fc.constantFrom('#a', '#A', '&b', '#', 'a', '#a,#b', '#b,&b', '0', '#x\x07', '#é', '##')
const textish = fc.string({ maxLength: 40, unit: fc.integer({ min: 0, max: 255 }).filter(c => c !== 10 && c !== 13).map(c => String.fromCharCode(c)) })
const command = fc.constantFrom('NICK', 'USER', 'JOIN', 'PART', 'PRIVMSG', 'NOTICE', 'PING', 'PONG', 'QUIT', 'CAP', 'MODE', 'privmsg', 'join')
const param = fc.oneof(nickish, channelish, textish.filter(t => !t.includes(' ') && !t.startsWith(':') && t.length > 0))
const structured = fc.tuple(command, fc.array(param, { maxLength: 5 }), fc.option(textish, { nil: undefined }))
  .map(([cmd, params, trailing]) => [cmd, ...params].join(' ') + (trailing === undefined ? '' : ` :${trailing}`))
const random = fc.string({ maxLength: 120, unit: fc.integer({ min: 0, max: 255 }).filter(c => c !== 10 && c !== 13).map(c => String.fromCharCode(c)) })
const register = fc.constantFrom('NICK a', 'NICK b', 'NICK c', 'USER u 0 * :U', 'JOIN #a', 'PRIVMSG #a :hi', 'PRIVMSG a :yo', 'NICK A[')
const step = fc.record({
  who: fc.integer({ min: 0, max: 2 }),
  action: fc.oneof(
    { weight: 6, arbitrary: register },
    { weight: 6, arbitrary: structured },
    { weight: 2, arbitrary: random },
    { weight: 1, arbitrary: fc.constant(null) } // the client vanishes
  )
})

function checkBytes (bytes: Buffer): void {
  const text = bytes.toString('latin1')
  expect(text.endsWith('\r\n')).toBe(true)
  for (const line of text.slice(0, -2).split('\r\n')) {
    expect(line.length + 2).toBeLessThanOrEqual(MAX_LINE)
    expect(line).not.toMatch(/[\0\r\n]/)
    const msg = parseMessage(line)
    expect(msg?.command).toMatch(/^([A-Z]+|\d{3})$/)
  }
}

function checkConsistency (hub: ChatHub, members: FakeMember[]): void {
  const live = members.filter(m => !m.gone)
  const nicks = live.filter(m => m.nick !== undefined).map(m => foldCase(m.nick as string))
  expect(new Set(nicks).size).toBe(nicks.length)
  expect(hub.nicks.size).toBe(nicks.length)
  for (const m of live) {
    if (m.nick !== undefined) expect(hub.nicks.get(m.nick)).toBe(m)
    for (const ch of m.channels) {
      expect(ch.members.has(m)).toBe(true)
      expect(hub.channels.get(ch.name)).toBe(ch)
    }
  }
  expect(hub.counters.registered).toBe(live.filter(m => m.registered).length)
}

describe('chat hub fuzz', () => {
  it('never throws, sends only well-formed lines, stays consistent and ends empty', () => {
    fc.assert(fc.property(fc.array(step, { maxLength: 40 }), steps => {
      const hub = new ChatHub({ serverName: 'fuzz', version: 'v', createdAt: 'now', maxLineBytes: MAX_LINE, nickLength: 9, maxChannelsPerClient: 3 },
        { registered: () => {}, nickChanged: () => {} })
      const leave = (m: FakeMember, message: string): void => {
        if (m.gone) return
        hub.remove(m, message)
        m.gone = true
      }
      const members = [0, 1, 2].map(i => new FakeMember(i + 1, `10.0.0.${i}`, leave))
      for (const { who, action } of steps) {
        const m = members[who] as FakeMember
        if (m.gone) continue
        if (action === null) {
          leave(m, 'Connection reset by peer')
        } else {
          const msg = parseMessage(action)
          if (msg !== undefined) hub.handle(m, msg)
        }
        checkConsistency(hub, members)
      }
      for (const m of members) leave(m, 'end of case')
      for (const m of members) m.received.forEach(checkBytes)
      expect(hub.nicks.size).toBe(0)
      expect(hub.channels.size).toBe(0)
      expect(hub.counters.registered).toBe(0)
    }), { numRuns: 10_000 })
  })
})

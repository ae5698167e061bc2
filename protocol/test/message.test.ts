import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { formatMessage, parseMessage } from '../src/message.js'

describe('parseMessage', () => {
  it('parses prefix, command and params with a trailing parameter', () => {
    expect(parseMessage(':nick!user@host PRIVMSG #soak :hello there')).toEqual({
      prefix: 'nick!user@host', command: 'PRIVMSG', params: ['#soak', 'hello there']
    })
  })

  it('upper-cases commands and keeps numerics', () => {
    expect(parseMessage('privmsg a b')?.command).toBe('PRIVMSG')
    expect(parseMessage(':srv 001 me :Welcome')?.command).toBe('001')
  })

  it('ignores empty and prefix-only lines (RFC 2812 2.3.1)', () => {
    expect(parseMessage('')).toBeUndefined()
    expect(parseMessage('   ')).toBeUndefined()
    expect(parseMessage(':prefix')).toBeUndefined()
    expect(parseMessage(':prefix   ')).toBeUndefined()
  })

  it('keeps an empty trailing parameter and tolerates repeated spaces', () => {
    expect(parseMessage('PRIVMSG  #a   :')).toEqual({ prefix: undefined, command: 'PRIVMSG', params: ['#a', ''] })
  })

  it('lets the 15th parameter swallow the rest of the line', () => {
    const line = 'CMD ' + Array.from({ length: 16 }, (_, i) => `p${i}`).join(' ')
    const msg = parseMessage(line)
    expect(msg?.params).toHaveLength(15)
    expect(msg?.params[14]).toBe('p14 p15')
  })
})

describe('formatMessage', () => {
  it('adds a colon to a trailing parameter only when needed', () => {
    expect(formatMessage('srv', '001', ['me', 'Welcome to soakwatch'])).toBe(':srv 001 me :Welcome to soakwatch\r\n')
    expect(formatMessage(undefined, 'PING', ['token'])).toBe('PING token\r\n')
    expect(formatMessage(undefined, 'PRIVMSG', ['#a', ''])).toBe('PRIVMSG #a :\r\n')
    expect(formatMessage(undefined, 'PRIVMSG', ['#a', ':)'])).toBe('PRIVMSG #a ::)\r\n')
  })

  it('refuses parameters that would break framing', () => {
    expect(() => formatMessage(undefined, 'PRIVMSG', ['#a', 'x\r\nQUIT'])).toThrow(TypeError)
    expect(() => formatMessage(undefined, 'PRIVMSG', ['a b', 'x'])).toThrow(TypeError)
  })

  it('round-trips through parseMessage for any valid message', () => {
    const middle = fc.string({ minLength: 1, maxLength: 12, unit: fc.constantFrom(...'abcXYZ09#&[]{}-_!@.'.split('')) })
      .filter(s => !s.startsWith(':'))
    const trailing = fc.string({ maxLength: 40, unit: fc.integer({ min: 1, max: 255 }).filter(c => c !== 10 && c !== 13).map(c => String.fromCharCode(c)) })
    fc.assert(fc.property(
      fc.option(middle, { nil: undefined }),
      fc.constantFrom('PRIVMSG', 'NICK', '001', 'JOIN'),
      fc.array(middle, { maxLength: 13 }),
      fc.option(trailing, { nil: undefined }),
      (prefix, command, mids, trail) => {
        const params = trail === undefined ? mids : [...mids, trail]
        const line = formatMessage(prefix, command, params)
        expect(line.endsWith('\r\n')).toBe(true)
        expect(parseMessage(line.slice(0, -2))).toEqual({ prefix, command, params })
      }
    ), { numRuns: 2000 })
  })
})

import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { isValidNick } from '../../protocol/src/names.js'
import { nickFor, nickPlanFits, nickWithSuffix, randomNickPrefix, RFC_NICK_MAX } from '../src/nick.js'

describe('nicknames', () => {
  it('gives every client of a large run a distinct RFC 2812 nick of at most 9 characters', () => {
    const seen = new Set<string>()
    for (let id = 0; id < 60_000; id += 7) {
      const nick = nickFor('sab', id)
      expect(isValidNick(nick, RFC_NICK_MAX)).toBe(true)
      seen.add(nick)
    }
    expect(seen.size).toBe(Math.ceil(60_000 / 7))
  })

  it('retries a collision with a suffix that keeps the nick valid and short enough', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 1_679_615 }), fc.integer({ min: 1, max: 35 }), (id, attempt) => {
      const base = nickFor('sab', id)
      const retry = nickWithSuffix(base, attempt)
      expect(retry).not.toBe(base)
      expect(retry.length).toBeLessThanOrEqual(RFC_NICK_MAX)
      expect(isValidNick(retry, RFC_NICK_MAX)).toBe(true)
      expect(retry.endsWith('_' + attempt.toString(36))).toBe(true)
    }))
    expect(nickWithSuffix('sab0', 0)).toBe('sab0')
  })

  it('truncates the base, not the suffix, when the nick is already at the limit', () => {
    expect(nickWithSuffix('abcdefghi', 3)).toBe('abcdefg_3')
  })

  it('draws prefixes that start a valid nick', () => {
    let x = 0
    const random = (): number => { x = (x + 0.37) % 1; return x }
    for (let i = 0; i < 20; i++) expect(nickPlanFits(randomNickPrefix(random), 50_000)).toBe(true)
  })

  it('refuses a plan whose nicks cannot fit', () => {
    expect(nickPlanFits('longprefix', 10)).toBe(false)
    expect(nickPlanFits('sab', 2_000_000)).toBe(false)
    expect(nickPlanFits('1ab', 10)).toBe(false)
  })
})

import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseMessage } from '../../protocol/src/message.js'
import { encodePayload } from '../src/payload.js'
import { relayedTextAt, relayMark } from '../src/relay-line.js'

const CHANNEL = '#soak'
const mark = relayMark(CHANNEL)
const latin1 = (bytes: Buffer, from = 0, to = bytes.length): string => bytes.toString('latin1', from, to)

describe('relayedTextAt', () => {
  it('finds the text of the relayed messages a server sends', () => {
    fc.assert(fc.property(
      fc.stringMatching(/^[a-z][a-z0-9_]{0,8}$/), fc.stringMatching(/^[a-z0-9.]{1,20}$/), fc.nat(), fc.nat(), fc.nat(),
      (nick, host, sender, seq, us) => {
        const head = `:${nick}!${nick}@${host} PRIVMSG ${CHANNEL} :`
        const line = Buffer.from(head + encodePayload(sender, seq, us) + '\r\n', 'latin1')
        expect(relayedTextAt(line, 0, line.length - 2, mark)).toBe(head.length)
      }
    ))
  })

  it('recognises only lines the full parse reads as a PRIVMSG to the channel with the same text', () => {
    // Lines near the relayed form: odd prefixes, spacing, case, other commands and channels,
    // each part in its relayed form three times in four, so that many lines are recognised.
    const part = (usual: string, ...odd: string[]): fc.Arbitrary<string> =>
      fc.oneof({ weight: 3, arbitrary: fc.constant(usual) }, { weight: 1, arbitrary: fc.constantFrom(...odd) })
    const near = fc.tuple(
      part(':', '', ' :', '@t=1 :', '::'),
      fc.string({ maxLength: 8, unit: fc.constantFrom('a', 'a', 'a', '!', '@', '.', ' ', ':') }),
      part(' ', '  ', ''),
      part('PRIVMSG', 'privmsg', 'NOTICE', 'PRIVMSGS'),
      part(' ', '  '),
      part(CHANNEL, '#SOAK', '#soak2', '#so', 'soak', ''),
      part(' :', ' ', '  :', ' ::', ':'),
      fc.string({ maxLength: 12, unit: fc.constantFrom('s', 'w', '1', ' ', ':', '9') })
    ).map(parts => parts.join(''))
    const any = fc.uint8Array({ maxLength: 60 }).map(b => latin1(Buffer.from(b)))
    fc.assert(fc.property(fc.oneof(near, any), fc.nat({ max: 4 }), (text, offset) => {
      // The line sits inside a larger buffer, as in a read of several lines.
      const bytes = Buffer.from('x\r\n'.repeat(offset) + text + '\r\nnext', 'latin1')
      const start = offset * 3
      const end = start + Buffer.byteLength(text, 'latin1')
      const at = relayedTextAt(bytes, start, end, mark)
      if (at === -1) return
      expect(at).toBeGreaterThan(start)
      expect(at).toBeLessThanOrEqual(end)
      const msg = parseMessage(latin1(bytes, start, end))
      expect(msg?.command).toBe('PRIVMSG')
      expect(msg?.params).toEqual([CHANNEL, latin1(bytes, at, end)])
    }), { numRuns: 5000 })
  })

  it('encodes the channel as the client put it on the wire', () => {
    expect(relayMark('#sœk')).toEqual(Buffer.from(' PRIVMSG #sœk :', 'utf8'))
  })
})

import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { decodePayload, decodePayloadAt, encodePayload, PAYLOAD_MARK } from '../src/payload.js'

describe('payload', () => {
  it('round-trips sender, sequence and intended time, with or without padding', () => {
    fc.assert(fc.property(
      fc.nat(), fc.nat(), fc.integer({ min: 0, max: 999_999_999_999_999 }), fc.nat({ max: 400 }),
      (sender, seq, intendedUs, padTo) => {
        const plain = encodePayload(sender, seq, intendedUs)
        const text = encodePayload(sender, seq, intendedUs, padTo)
        // Padding needs a space and at least one filler character.
        expect(text.length).toBe(padTo > plain.length + 1 ? padTo : plain.length)
        expect(decodePayload(text)).toEqual({ sender, seq, intendedUs })
      }
    ))
  })

  it('pads to exactly the requested size', () => {
    expect(encodePayload(1, 2, 3, 30)).toHaveLength(30)
    expect(encodePayload(1, 2, 3, 30)).toMatch(/^sw1 1 2 3 x+$/)
    expect(encodePayload(1, 2, 3)).toBe('sw1 1 2 3')
  })

  it('decodes in place at an offset inside a longer line', () => {
    const line = `:nick!u@h PRIVMSG #soak :${encodePayload(7, 8, 9)}`
    const out = { sender: 0, seq: 0, intendedUs: 0 }
    expect(decodePayloadAt(line, line.indexOf(PAYLOAD_MARK), out)).toBe(true)
    expect(out).toEqual({ sender: 7, seq: 8, intendedUs: 9 })
    expect(decodePayloadAt(line, 0, out)).toBe(false)
  })

  it.each([
    ['not ours', 'hello world'],
    ['missing field', 'sw1 1 2'],
    ['empty field', 'sw1 1  3'],
    ['letters', 'sw1 1 x 3'],
    ['negative', 'sw1 -1 2 3'],
    ['beyond 2^53', 'sw1 1 2 1234567890123456'],
    ['trailing garbage glued to the time', 'sw1 1 2 3z'],
    ['old version', 'sw0 1 2 3']
  ])('rejects a malformed payload (%s)', (_why, text) => {
    expect(decodePayload(text)).toBeUndefined()
  })

  it('refuses to encode a value that could not be decoded', () => {
    expect(() => encodePayload(-1, 0, 0)).toThrow(RangeError)
    expect(() => encodePayload(0, 1.5, 0)).toThrow(RangeError)
  })
})

import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { decodePayload, decodePayloadAt, decodePayloadBytes, encodePayload, PAYLOAD_MARK } from '../src/payload.js'
import type { Payload } from '../src/payload.js'

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

  it('decodes from the bytes of a line what was encoded, wherever it sits in the buffer', () => {
    fc.assert(fc.property(
      fc.nat(), fc.nat(), fc.integer({ min: 0, max: 999_999_999_999_999 }), fc.nat({ max: 60 }), fc.nat({ max: 30 }),
      (sender, seq, intendedUs, padTo, before) => {
        const text = encodePayload(sender, seq, intendedUs, padTo)
        const bytes = Buffer.from(`${'y'.repeat(before)}${text}\r\n:next line 1 2 3`, 'latin1')
        const out: Payload = { sender: -1, seq: -1, intendedUs: -1 }
        expect(decodePayloadBytes(bytes, before, before + text.length, out)).toBe(true)
        expect(out).toEqual({ sender, seq, intendedUs })
        // Cut short inside the numbers, it is malformed or a shorter number, never more.
        const cut = before + text.indexOf(' ', PAYLOAD_MARK.length) + 1
        expect(decodePayloadBytes(bytes, before, cut, out)).toBe(false)
      }
    ))
  })

  it('reads the same payload from a text as from its bytes', () => {
    // The text decoder copies to octets and decodes those: this holds the copy to the bytes.
    fc.assert(fc.property(fc.uint8Array({ maxLength: 40 }), fc.nat(), fc.nat(), fc.nat(), fc.boolean(), (junk, a, b, c, pad) => {
      const bytes = Buffer.concat([Buffer.from(encodePayload(a, b, c, pad ? 30 : 0), 'latin1'), Buffer.from(junk)])
      const fromText: Payload = { sender: -1, seq: -1, intendedUs: -1 }
      const fromBytes: Payload = { sender: -1, seq: -1, intendedUs: -1 }
      const ok = decodePayloadBytes(bytes, 0, bytes.length, fromBytes)
      expect(decodePayloadAt(bytes.toString('latin1'), 0, fromText)).toBe(ok)
      if (ok) expect(fromText).toEqual(fromBytes)
    }), { numRuns: 2000 })
  })

  it('treats a character beyond latin1 in the text as no digit', () => {
    expect(decodePayload('sw1 1 2 3\u0131')).toBeUndefined()
    expect(decodePayload('sw1 1 2 3 \u0131')).toEqual({ sender: 1, seq: 2, intendedUs: 3 })
  })
})

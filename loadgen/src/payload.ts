/**
 * The text every simulated client sends in its PRIVMSGs, pure.
 *
 *   "sw1 <sender> <seq> <intendedUs>[ <padding>]"
 *
 * `sender` is the client's global index, `seq` its per-sender sequence number (0, 1, …) and
 * `intendedUs` the time the message was *scheduled* for, in microseconds since the run's epoch.
 * Receivers measure latency from the intended time, not from when the timer actually fired, so a
 * stalled sender cannot hide its own delay (coordinated omission, Gil Tene: "How NOT to Measure
 * Latency"). All numbers are decimal: the fields are short and `Number()` parses them fastest.
 */

/** Marker and format version; a PRIVMSG that does not start with it is not ours. */
export const PAYLOAD_MARK = 'sw1 '

export interface Payload {
  sender: number
  seq: number
  intendedUs: number
}

/**
 * Encodes a payload, padded with `x` up to `padTo` characters when that is longer.
 * @throws {RangeError} when a field is not a non-negative safe integer (a programming error)
 */
export function encodePayload (sender: number, seq: number, intendedUs: number, padTo = 0): string {
  if (!isField(sender) || !isField(seq) || !isField(intendedUs)) {
    throw new RangeError(`payload fields must be non-negative safe integers: ${sender} ${seq} ${intendedUs}`)
  }
  const text = `${PAYLOAD_MARK}${sender} ${seq} ${intendedUs}`
  return text.length + 1 < padTo ? text + ' ' + 'x'.repeat(padTo - text.length - 1) : text
}

/** Decodes a payload; `undefined` when the text is not one of ours or is malformed. */
export function decodePayload (text: string): Payload | undefined {
  const out: Payload = { sender: 0, seq: 0, intendedUs: 0 }
  return decodePayloadAt(text, 0, out) ? out : undefined
}

/**
 * Decodes the payload that starts at `start` in `text` into `out`. Returns false (leaving `out`
 * unspecified) when it is not one of ours or is malformed. The receive path decodes bytes
 * ({@link decodePayloadBytes}); text comes here only from the full parse of a line the fast
 * path did not recognise, so copying it to octets first costs nothing that matters.
 */
export function decodePayloadAt (text: string, start: number, out: Payload): boolean {
  if (text.indexOf(PAYLOAD_MARK, start) !== start) return false
  const bytes = Buffer.allocUnsafe(text.length - start)
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i)
    // A character beyond latin1 is neither a digit nor a space, as NUL is not.
    bytes[i - start] = c > 0xff ? 0 : c
  }
  return decodePayloadBytes(bytes, 0, bytes.length, out)
}

const MARK_BYTES = Buffer.from(PAYLOAD_MARK, 'latin1')

/**
 * Decodes the payload in `bytes[start, end)` into `out`, reading the numbers straight from
 * the digits: the receive path runs this once per delivery, millions of times a second across
 * clients, and makes no string. Returns false (leaving `out` unspecified) when it is not one
 * of ours or is malformed.
 */
export function decodePayloadBytes (bytes: Uint8Array, start: number, end: number, out: Payload): boolean {
  const n = MARK_BYTES.length
  if (end - start < n) return false
  for (let k = 0; k < n; k++) if (bytes[start + k] !== MARK_BYTES[k]) return false
  // One pass over the digits: three fields separated by single spaces, then the end of the
  // text or a space before the padding. Sixteen digits would exceed 2^53; reject them.
  let field = 0
  let value = 0
  let digits = 0
  for (let i = start + n; i <= end; i++) {
    const c = i < end ? bytes[i] as number : 0x20
    if (c >= 0x30 && c <= 0x39) {
      value = value * 10 + (c - 0x30)
      if (++digits > 15) return false
      continue
    }
    if (c !== 0x20 || digits === 0) return false
    if (field === 0) out.sender = value
    else if (field === 1) out.seq = value
    else {
      out.intendedUs = value
      return true
    }
    field++
    value = 0
    digits = 0
  }
  return false
}

function isField (n: number): boolean {
  return Number.isSafeInteger(n) && n >= 0
}

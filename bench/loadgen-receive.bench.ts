/**
 * The loadgen's receive path, per line: a 64 KiB read of relayed payload messages (what a
 * client receives in a busy room) split into lines, recognised as relays to our channel and
 * decoded into sender, sequence and intended time. The byte path (LineSplitter's
 * `onLineBytes`, relayedTextAt, decodePayloadBytes: no string per line) against the string
 * path it replaced (a latin1 string per line, recognised with indexOf and decoded from the
 * text), kept here as the peer.
 */
import { bench, describe } from 'vitest'
import { LineSplitter } from '../protocol/src/line-splitter.js'
import { decodePayloadBytes, encodePayload, PAYLOAD_MARK } from '../loadgen/src/payload.js'
import type { Payload } from '../loadgen/src/payload.js'
import { relayedTextAt, relayMark } from '../loadgen/src/relay-line.js'

let text = ''
let count = 0
for (let i = 0; text.length < 64 * 1024; i++) {
  const nick = `s${'abcdefgh'[i % 8] as string}q${(i % 500).toString(36)}`
  text += `:${nick}!${nick}@127.0.0.1 PRIVMSG #soak :${encodePayload(i % 500, i, 1_700_000_000_000 + i * 997)}\r\n`
  count++
}
const chunk = Buffer.from(text, 'latin1')
const out: Payload = { sender: 0, seq: 0, intendedUs: 0 }

/** The string decoder the loadgen used before the byte path, for the peer. */
function decodeText (line: string, start: number, p: Payload): boolean {
  if (line.indexOf(PAYLOAD_MARK, start) !== start) return false
  let field = 0
  let value = 0
  let digits = 0
  for (let i = start + PAYLOAD_MARK.length; i <= line.length; i++) {
    const c = i < line.length ? line.charCodeAt(i) : 0x20
    if (c >= 0x30 && c <= 0x39) {
      value = value * 10 + (c - 0x30)
      if (++digits > 15) return false
      continue
    }
    if (c !== 0x20 || digits === 0) return false
    if (field === 0) p.sender = value
    else if (field === 1) p.seq = value
    else {
      p.intendedUs = value
      return true
    }
    field++
    value = 0
    digits = 0
  }
  return false
}

describe(`receive a 64 KiB read of relayed payloads (${count} lines)`, () => {
  let sum = 0
  const mark = relayMark('#soak')
  const bytePath = new LineSplitter(512, {
    onLineBytes: (b, s, e) => {
      const at = relayedTextAt(b, s, e, mark)
      if (at !== -1 && decodePayloadBytes(b, at, e, out)) sum += out.seq
    },
    onOverflow: () => {}
  })
  const markText = ' PRIVMSG #soak :'
  const stringPath = new LineSplitter(512, {
    onLine: line => {
      if (line.charCodeAt(0) !== 0x3a) return
      const space = line.indexOf(' ')
      if (space > 0 && line.indexOf(markText, space) === space && decodeText(line, space + markText.length, out)) sum += out.seq
    },
    onOverflow: () => {}
  })
  const expected = (count * (count - 1)) / 2

  bench('byte path: onLineBytes, relayedTextAt, decodePayloadBytes', () => {
    sum = 0
    bytePath.push(chunk)
    if (sum !== expected) throw new Error(`decoded ${sum}, expected ${expected}`)
  })

  bench('string per line, indexOf, decode from text (peer: before)', () => {
    sum = 0
    stringPath.push(chunk)
    if (sum !== expected) throw new Error(`decoded ${sum}, expected ${expected}`)
  })
})

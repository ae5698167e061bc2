/**
 * Parser micro-benchmark: split a 64 KiB read of typical client traffic into lines and parse
 * them, with soakwatch's LineSplitter + parseMessage, and with irc-framework's line parser as
 * the peer (same lines, same run).
 */
import { createRequire } from 'node:module'
import { bench, describe } from 'vitest'
import { LineSplitter, parseMessage } from '../protocol/src/index.js'

const require = createRequire(import.meta.url)
const parseIrcLine = require('irc-framework/src/irclineparser.js') as (line: string) => unknown

const sample = [
  'PRIVMSG #soak :t=1712345678901 seq=42 the quick brown fox jumps over the lazy dog',
  'PING :soakwatch',
  'PONG soakwatch',
  'JOIN #soak',
  'NICK client0042',
  ':client0001!c@127.0.0.1 PRIVMSG #soak :hello there, how is the soak going today?'
]
let text = ''
for (let i = 0; text.length < 64 * 1024; i++) text += sample[i % sample.length] + '\r\n'
const chunk = Buffer.from(text, 'latin1')
const lines = text.split('\r\n').filter(l => l.length > 0)

describe(`split and parse a 64 KiB read (${lines.length} lines)`, () => {
  bench('soakwatch LineSplitter + parseMessage', () => {
    let n = 0
    const splitter = new LineSplitter(512, { onLine: l => { if (parseMessage(l) !== undefined) n++ }, onOverflow: () => {} })
    splitter.push(chunk)
    if (n !== lines.length) throw new Error(`parsed ${n} of ${lines.length}`)
  })

  bench('irc-framework parseIrcLine (peer)', () => {
    let n = 0
    for (const l of chunk.toString('latin1').split('\r\n')) if (l.length > 0 && parseIrcLine(l) !== undefined) n++
    if (n !== lines.length) throw new Error(`parsed ${n} of ${lines.length}`)
  })
})

/**
 * Relay micro-benchmark: one PRIVMSG to a channel of 500 members, through the real chat hub
 * (serialised once, the same Buffer handed to every member), against the naive relay that
 * formats and encodes the line once per recipient (same members, same run).
 */
import { bench, describe } from 'vitest'
import { formatMessage, parseMessage } from '../protocol/src/index.js'
import type { Channel } from '../server/src/channel-registry.js'
import { ChatHub } from '../server/src/chat-hub.js'
import { FakeMember } from '../server/test/fake-member.js'

const MEMBERS = 500

const hub = new ChatHub({ serverName: 'bench', version: 'v', createdAt: 'now', maxLineBytes: 512, nickLength: 30, maxChannelsPerClient: 20 },
  { registered: () => {}, nickChanged: () => {} })
const members = Array.from({ length: MEMBERS }, (_, i) => new FakeMember(i + 1, '127.0.0.1', () => {}, false))
for (const m of members) {
  for (const line of [`NICK m${m.id}`, `USER m${m.id} 0 * :m`, 'JOIN #soak']) hub.handle(m, parseMessage(line)!)
}
const sender = members[0] as FakeMember
const message = parseMessage('PRIVMSG #soak :t=1712345678901 seq=42 the quick brown fox jumps over the lazy dog')!
const channel = hub.channels.get('#soak') as Channel

describe(`relay one PRIVMSG to a ${MEMBERS}-member channel`, () => {
  bench('soakwatch hub (serialise once)', () => {
    hub.handle(sender, message)
  })

  bench('format per recipient (peer: naive relay)', () => {
    const text = message.params[1] as string
    for (const peer of channel.members) {
      if (peer === sender) continue
      peer.deliver(Buffer.from(formatMessage(sender.prefix, 'PRIVMSG', ['#soak', text]), 'latin1'))
    }
  })
})

/**
 * A live server fed raw random bytes over real sockets: random octets mixed with pieces of
 * valid IRC, cut into random chunks, ended by FIN or reset. No input may crash it or leave a
 * session, nick or channel behind.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { closes, startServer } from './helper.js'

const piece = fc.oneof(
  fc.uint8Array({ maxLength: 200 }).map(a => Buffer.from(a)),
  fc.constantFrom('NICK z\r\n', 'NICK Z[\r\n', 'USER z 0 * :z\r\n', 'JOIN #r\r\n', 'PRIVMSG #r :x\r\n', 'PART #r\r\n', 'QUIT\r\n', '\r\n', '\n', ':p\r\n')
    .map(s => Buffer.from(s, 'latin1')),
  fc.integer({ min: 500, max: 3000 }).map(n => Buffer.alloc(n, 0x61))
)

describe('live server fed random bytes', () => {
  it('survives, and keeps no session behind', async () => {
    const srv = await startServer()
    // A registered member of #r to receive whatever gets relayed.
    const witness = await srv.client()
    await witness.register('witness')
    await witness.join('#r')
    let sessions = 0
    await fc.assert(fc.asyncProperty(
      fc.array(fc.array(piece, { maxLength: 12 }), { minLength: 1, maxLength: 4 }),
      fc.boolean(),
      async (streams, reset) => {
        await Promise.all(streams.map(async pieces => {
          sessions++
          const c = await srv.client()
          for (const p of pieces) c.write(p)
          if (reset) c.socket.resetAndDestroy()
          else c.socket.end()
          await c.closed
        }))
      }
    ), { numRuns: 150 })
    await closes(srv, sessions)
    witness.send('PING still')
    await witness.expect('PONG soakwatch still')
    expect(srv.server.stats()).toMatchObject({ connectionsOpen: 1, registered: 1, nicks: 1, channels: 1, noticeSubscribers: 1 })
  })
})

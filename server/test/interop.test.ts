/**
 * Interop with a client not written here: irc-framework (the library behind The Lounge and
 * Kiwi IRC) drives the server through registration, JOIN, messages both ways, a nick change
 * and QUIT, and the server's lifecycle events record both clients' lives.
 */
import { once } from 'node:events'
import irc, { type Client } from 'irc-framework'
import { describe, expect, it, onTestFinished } from 'vitest'
import { startServer, type TestServer } from './helper.js'

interface Message { nick: string, target: string, message: string }

async function connect (srv: TestServer, nick: string): Promise<Client> {
  const client = new irc.Client()
  onTestFinished(() => { client.quit() })
  client.connect({ host: '127.0.0.1', port: srv.port, nick, username: nick, gecos: `interop ${nick}`, auto_reconnect: false, ping_interval: 0, ping_timeout: 0 })
  await once(client, 'registered')
  return client
}

async function next<T> (client: Client, event: string, test: (e: T) => boolean = () => true): Promise<T> {
  return await new Promise(resolve => {
    const on = (e: T): void => {
      if (!test(e)) return
      client.off(event, on)
      resolve(e)
    }
    client.on(event, on)
  })
}

describe('interop with irc-framework', () => {
  it('two clients register, join, talk both ways, change nick and quit; both lives are logged', async () => {
    const srv = await startServer()
    const alice = await connect(srv, 'alice')
    const bob = await connect(srv, 'bob')

    const aliceJoined = next<{ nick: string, channel: string }>(alice, 'join', e => e.nick === 'alice')
    alice.join('#interop')
    await aliceJoined
    const bobSeen = next<{ nick: string }>(alice, 'join', e => e.nick === 'bob')
    const bobJoined = next<{ nick: string }>(bob, 'join', e => e.nick === 'bob')
    const names = next<{ channel: string, users: Array<{ nick: string }> }>(bob, 'userlist')
    bob.join('#interop')
    await Promise.all([bobSeen, bobJoined])
    expect((await names).users.map(u => u.nick).sort()).toEqual(['alice', 'bob'])

    const toBob = next<Message>(bob, 'privmsg')
    alice.say('#interop', 'hello bob')
    expect(await toBob).toMatchObject({ nick: 'alice', target: '#interop', message: 'hello bob' })
    const toAlice = next<Message>(alice, 'privmsg')
    bob.say('alice', 'hi alice, privately')
    expect(await toAlice).toMatchObject({ nick: 'bob', target: 'alice', message: 'hi alice, privately' })

    const renamed = next<{ nick: string, new_nick: string }>(bob, 'nick')
    alice.changeNick('alicia')
    expect(await renamed).toMatchObject({ nick: 'alice', new_nick: 'alicia' })
    const toAlicia = next<Message>(alice, 'privmsg')
    bob.say('alicia', 'nice name')
    expect(await toAlicia).toMatchObject({ nick: 'bob', message: 'nice name' })

    const quitSeen = next<{ nick: string, message: string }>(bob, 'quit')
    alice.quit('done here')
    expect(await quitSeen).toMatchObject({ nick: 'alicia', message: 'Quit: done here' })
    bob.quit('me too')
    await Promise.all([srv.closeOf(e => e.nick === 'alicia'), srv.closeOf(e => e.nick === 'bob')])

    const life = (conn: number): string[] => srv.events.filter(e => e.conn === conn).map(e => e.event)
    expect(life(1)).toEqual(['open', 'registered', 'nick', 'close'])
    expect(life(2)).toEqual(['open', 'registered', 'close'])
    expect(srv.events).toContainEqual(expect.objectContaining({ event: 'close', conn: 1, nick: 'alicia', reason: 'quit', by: 'client' }))
    expect(srv.events).toContainEqual(expect.objectContaining({ event: 'close', conn: 2, nick: 'bob', reason: 'quit', by: 'client' }))
    expect(srv.server.stats()).toMatchObject({ connectionsOpen: 0, nicks: 0, channels: 0 })
  })
})

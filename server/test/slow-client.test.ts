import { describe, expect, it } from 'vitest'
import { crowd, flood, startServer } from './helper.js'

const LINE = 'PRIVMSG #slow :' + 's'.repeat(480)

// The policy must hold whether lines are written every iteration or held for a flush interval.
describe.each([0, 5])('slow clients, flush interval %i ms', flushIntervalMs => {
  it('disconnects a client that never reads with ERROR :SendQ exceeded, counted and logged by server', async () => {
    const srv = await startServer({ sendQueueBytes: 64 * 1024, lingerMs: 100, flushIntervalMs })
    const [flooder, sleeper, reader] = await crowd(srv, 3, 's', '#slow')
    sleeper!.socket.pause()
    const sent = await flood(flooder!, reader!, '#slow', () => srv.server.stats().slowClientDisconnects > 0)
    // The sleeper cannot read its ERROR; the server destroys it after lingerMs.
    const close = await srv.closeOf(e => e.nick === 's1')
    expect(close).toMatchObject({ reason: 'sendq-exceeded', by: 'server' })
    expect(srv.server.stats()).toMatchObject({ slowClientDisconnects: 1, connectionsOpen: 2 })
    // The reading client was served throughout, and saw the sleeper leave.
    expect(reader!.lines).toContain(':s1!s1@127.0.0.1 QUIT :SendQ exceeded')
    expect(reader!.lines.filter(l => l.startsWith(':s0!s0@127.0.0.1 PRIVMSG #slow :x'))).toHaveLength(sent)
  })

  it('with the drop policy keeps the client, drops and counts deliveries beyond the queue', async () => {
    const srv = await startServer({ sendQueueBytes: 64 * 1024, slowClient: 'drop', flushIntervalMs })
    const [flooder, sleeper, reader] = await crowd(srv, 3, 'd', '#slow')
    sleeper!.socket.pause()
    await flood(flooder!, reader!, '#slow', () => srv.server.stats().drops >= 100)
    const stats = srv.server.stats()
    expect(stats.drops).toBeGreaterThanOrEqual(100)
    expect(stats.slowClientDisconnects).toBe(0)
    expect(stats.connectionsOpen).toBe(3)
    // Once it reads again it is served normally.
    sleeper!.socket.resume()
    flooder!.send('PRIVMSG #slow :the end')
    await sleeper!.expect('PRIVMSG #slow :the end', 15_000)
  })
})

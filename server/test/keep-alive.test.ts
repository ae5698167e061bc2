import { describe, expect, it } from 'vitest'
import { crowd, startServer } from './helper.js'

describe('keep-alive', () => {
  it('pings a silent client; a client that answers PONG stays', async () => {
    const srv = await startServer({ pingIntervalMs: 30, pingTimeoutMs: 200 })
    const [a] = await crowd(srv, 1, 'k')
    for (let i = 0; i < 3; i++) {
      await a!.expect('PING soakwatch')
      a!.send('PONG soakwatch')
    }
    expect(srv.server.stats().connectionsOpen).toBe(1)
    expect(srv.server.stats().pingTimeouts).toBe(0)
  })

  it('closes a client that does not answer with ERROR :Ping timeout, logged by timeout', async () => {
    const srv = await startServer({ pingIntervalMs: 30, pingTimeoutMs: 30 })
    const [a, b] = await crowd(srv, 2, 't', '#t')
    await a!.expect('PING soakwatch')
    // b keeps talking, a stays silent.
    const chat = setInterval(() => b!.send('PONG soakwatch'), 10)
    try {
      await a!.expect('ERROR :Ping timeout')
      await a!.closed
      expect(await srv.closeOf(e => e.nick === 't0')).toMatchObject({ reason: 'ping-timeout', by: 'timeout' })
      await b!.expect(/^:t0!t0@127\.0\.0\.1 QUIT :Ping timeout: \d+ seconds$/)
    } finally {
      clearInterval(chat)
    }
    expect(srv.server.stats()).toMatchObject({ pingTimeouts: 1, connectionsOpen: 1 })
  })
})

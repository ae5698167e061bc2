import { once } from 'node:events'
import { describe, expect, it } from 'vitest'
import { closes, crowd, startServer } from './helper.js'

describe('bad input gets a clear error and nothing else breaks', () => {
  it('answers an over-long line with 417 and keeps the connection', async () => {
    const srv = await startServer()
    const [a] = await crowd(srv, 1, 'o')
    a!.send('PRIVMSG o0 :' + 'y'.repeat(600))
    await a!.expect(':soakwatch 417 o0 :Input line was too long')
    a!.send('PING alive')
    await a!.expect('PONG soakwatch alive')
    expect(srv.server.stats().overlongLines).toBe(1)
  })

  it('honours a configured line limit', async () => {
    const srv = await startServer({ maxLineBytes: 128 })
    const [a] = await crowd(srv, 1, 'm')
    a!.send('PING ' + 'z'.repeat(121)) // 126 bytes + CR LF = 128: accepted
    await a!.expect(/PONG soakwatch z{121}$/)
    a!.send('PING ' + 'z'.repeat(122))
    await a!.expect(' 417 ')
  })

  it('bounds endless input without a newline, answers 417 once, and resumes at the next line', async () => {
    const srv = await startServer()
    const [a] = await crowd(srv, 1, 'e')
    const chunk = Buffer.alloc(64 * 1024, 0x41)
    for (let i = 0; i < 64; i++) {
      if (!a!.socket.write(chunk)) await once(a!.socket, 'drain')
    }
    a!.write('\r\nPING back\r\n')
    await a!.expect('PONG soakwatch back')
    expect(a!.lines.filter(l => l.includes(' 417 '))).toHaveLength(1)
    expect(srv.server.stats().bytesIn).toBeGreaterThan(4 * 1024 * 1024)
  })

  it('relays binary garbage and invalid UTF-8 byte for byte (NUL removed) and survives noise', async () => {
    const srv = await startServer()
    const [a, b] = await crowd(srv, 2, 'bin', '#bin')
    const payload = Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0x00, 0x80, 0xe2, 0x82, 0x20, 0x01])
    a!.write(Buffer.concat([Buffer.from('PRIVMSG #bin :'), payload, Buffer.from('\r\n')]))
    const got = await b!.expect('PRIVMSG #bin')
    const text = Buffer.from(got, 'latin1').subarray(Buffer.from(':bin0!bin0@127.0.0.1 PRIVMSG #bin :').length)
    expect(text).toEqual(Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0x80, 0xe2, 0x82, 0x20, 0x01]))
    a!.write(Buffer.from([0x00, 0x0a, 0xff, 0x20, 0x3a, 0x0d, 0x0a, 0x4e, 0x49, 0x43, 0x4b, 0x20, 0x00, 0xff, 0x0a]))
    await a!.expect(/^:soakwatch 432 bin0 /)
    a!.send('PING ok')
    await a!.expect('PONG soakwatch ok')
  })

  it('logs a client reset mid-line as reset by client and keeps serving others', async () => {
    const srv = await startServer()
    const [a, b] = await crowd(srv, 2, 'r', '#r')
    a!.write('PRIVMSG #r :half a li')
    // Round trip first, so the half line has been read before the reset.
    a!.send('')
    b!.send('PING sync')
    await b!.expect('PONG')
    a!.socket.resetAndDestroy()
    const close = await srv.closeOf(e => e.nick === 'r0')
    expect(close).toMatchObject({ reason: 'reset', by: 'client' })
    await b!.expect(':r0!r0@127.0.0.1 QUIT :Connection reset by peer')
    b!.send('PING still')
    await b!.expect('PONG soakwatch still')
  })

  it('survives a client that resets while the server is writing a fan-out to it', async () => {
    const srv = await startServer()
    const [flooder, victim, witness] = await crowd(srv, 3, 'f', '#f')
    const line = 'PRIVMSG #f :' + 'w'.repeat(400) + '\r\n'
    flooder!.write(line.repeat(2000))
    await victim!.expect('PRIVMSG #f')
    victim!.socket.resetAndDestroy()
    const close = await srv.closeOf(e => e.nick === 'f1')
    expect(['reset', 'socket-error']).toContain(close.reason)
    flooder!.send('PING done')
    await flooder!.expect('PONG soakwatch done')
    await witness!.expect(/QUIT/)
    expect(srv.server.stats().connectionsOpen).toBe(2)
  })

  it('half-closed client after QUIT still gets its ERROR reply, then the server closes', async () => {
    const srv = await startServer()
    const [a] = await crowd(srv, 1, 'h')
    a!.socket.end('QUIT :half\r\n')
    await a!.expect('ERROR :Closing Link: 127.0.0.1 (Quit: half)')
    await a!.closed
    expect(await srv.closeOf(e => e.nick === 'h0')).toMatchObject({ reason: 'quit', by: 'client' })
  })

  it('half-closed client without QUIT: the server ends its side and logs eof by client', async () => {
    const srv = await startServer()
    const [a] = await crowd(srv, 1, 'h')
    a!.socket.end()
    await a!.expect('ERROR :Closing Link: 127.0.0.1 (Client closed connection)')
    await a!.closed
    expect(await srv.closeOf(e => e.nick === 'h0')).toMatchObject({ reason: 'eof', by: 'client' })
    expect(srv.server.stats()).toMatchObject({ connectionsOpen: 0, registered: 0, nicks: 0, noticeSubscribers: 0 })
  })

  it('accepts 1,000 connections opening and closing quickly and keeps none of them', async () => {
    const srv = await startServer()
    const total = 1000
    const wave = 200
    for (let start = 0; start < total; start += wave) {
      await Promise.all(Array.from({ length: wave }, async (_, k) => {
        const i = start + k
        const c = await srv.client()
        // A mix of ways to leave: QUIT, FIN, reset, before or after registering.
        if (i % 4 === 0) c.send(`NICK k${i}\r\nUSER k 0 * :k\r\nJOIN #k\r\nQUIT`)
        if (i % 4 === 1) c.send(`NICK k${i}`)
        if (i % 4 === 2) c.socket.resetAndDestroy()
        else c.socket.end()
        await c.closed
      }))
    }
    await closes(srv, total)
    expect(srv.server.stats()).toMatchObject({
      connectionsOpen: 0, connectionsTotal: total, registered: 0, nicks: 0, channels: 0, noticeSubscribers: 0
    })
  })
})

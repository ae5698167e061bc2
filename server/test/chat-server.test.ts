import { once } from 'node:events'
import { createServer } from 'node:net'
import { describe, expect, it, onTestFinished } from 'vitest'
import { createChatServer } from '../src/chat-server.js'
import { resolveOptions } from '../src/options.js'
import { crowd, startServer } from './helper.js'

describe('chat server lifecycle', () => {
  it('close() tells every client, and resolves only after every close event, slow readers included', async () => {
    const srv = await startServer({ lingerMs: 50 })
    const [a, b] = await crowd(srv, 2, 'z', '#z')
    b!.socket.pause()
    const unregistered = await srv.client()
    await srv.server.close()
    expect(srv.events.filter(e => e.event === 'close')).toHaveLength(3)
    expect(srv.events.filter(e => e.event === 'close' && e.reason === 'shutdown' && e.by === 'server')).toHaveLength(3)
    await a!.expect('ERROR :Closing Link: 127.0.0.1 (Server shutting down)')
    await unregistered.expect('ERROR :Closing Link: 127.0.0.1 (Server shutting down)')
    expect(srv.server.stats()).toMatchObject({ connectionsOpen: 0, registered: 0, nicks: 0, channels: 0, noticeSubscribers: 0 })
    // Idempotent.
    await srv.server.close()
  })

  it('refuses connections beyond maxClients with ERROR :Server full', async () => {
    const srv = await startServer({ maxClients: 2 })
    await crowd(srv, 2, 'f')
    const third = await srv.client()
    await third.expect('ERROR :Server full')
    await third.closed
    expect(await srv.closeOf(e => e.conn === 3)).toMatchObject({ reason: 'server-full', by: 'server', nick: null })
  })

  it('throws SW_SERVER_LISTEN with the cause when the port is taken, SW_SERVER_STATE when reused', async () => {
    const blocker = createServer().listen(0, '127.0.0.1')
    await once(blocker, 'listening')
    onTestFinished(() => { blocker.close() })
    const port = (blocker.address() as { port: number }).port
    const server = createChatServer({ port })
    const err = await server.listen().catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'SW_SERVER_LISTEN', message: `cannot listen on 127.0.0.1:${port}` })
    expect((err as Error).cause).toMatchObject({ code: 'EADDRINUSE' })
    await server.close()
    await expect(server.listen()).rejects.toMatchObject({ code: 'SW_SERVER_STATE', message: 'cannot listen a chat server that is closed' })
  })
})

describe('server options', () => {
  it('fills in defaults', () => {
    const o = resolveOptions()
    expect(o).toMatchObject({ host: '127.0.0.1', port: 6667, maxLineBytes: 512, sendQueueBytes: 262144, slowClient: 'disconnect' })
    expect([...o.leaks]).toEqual([])
  })

  it.each([
    [{ port: -1 }, 'port', '-1'],
    [{ maxLineBytes: 100 }, 'maxLineBytes', '100'],
    [{ maxLineBytes: 1024, sendQueueBytes: 1024 }, 'sendQueueBytes', '1024'],
    [{ slowClient: 'block' as never }, 'slowClient', '"block"'],
    [{ leaks: ['memory' as never] }, 'leaks', '"memory"'],
    [{ pingIntervalMs: 1.5 }, 'pingIntervalMs', '1.5'],
    [{ flushIntervalMs: 1001 }, 'flushIntervalMs', '1001'],
    [{ serverName: 'bad name' }, 'serverName', '"bad name"'],
    [{ host: '' }, 'host', '""']
  ])('refuses %j with SW_SERVER_BAD_OPTION naming %s and the value', (options, option, shown) => {
    expect(() => createChatServer(options)).toThrow(expect.objectContaining({
      code: 'SW_SERVER_BAD_OPTION',
      message: expect.stringContaining(`invalid server option ${option}: ${shown}`)
    }))
  })
})

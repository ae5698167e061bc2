import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLoad } from '../src/create-load.js'
import { startLoggedReferenceServer } from './helper.js'
import type { LoggedReferenceServer } from './helper.js'

let ref: LoggedReferenceServer
beforeAll(async () => { ref = await startLoggedReferenceServer() })
afterAll(async () => { await ref?.cleanup() })

describe('leaving the reference server in every style', () => {
  it('takes the server down its QUIT, EOF and reset paths, each closed on both sides', async () => {
    const r = await createLoad({ port: ref.server.port, clients: 20, minIntervalMs: 20, maxIntervalMs: 60, messages: 2, connectRate: 500, recordClients: true, disconnect: 'mix' }).start()
    expect(r.outcome).toBe('complete')
    expect(r.clients).toMatchObject({ quitClean: 10, hangupClean: 6, resets: 4, quitTimedOut: 0, hangupTimedOut: 0, droppedEarly: 0 })
    expect(r.messages.lost).toBe(0)

    const log = await ref.stopAndReadLog()
    const connByRemote = new Map(log.filter(e => e.event === 'open').map(e => [e.remote, e.conn]))
    const closeByConn = new Map(log.filter(e => e.event === 'close').map(e => [e.conn, e]))
    const reasonOf = { quit: 'quit', close: 'eof', reset: 'reset' } as const
    for (const c of r.clientRecords ?? []) {
      const close = closeByConn.get(connByRemote.get(`${c.localAddress ?? ''}:${c.localPort ?? ''}`) ?? -1)
      expect(close, `no close for ${c.nick}`).toBeDefined()
      // The server saw each client leave the way it left, and logged the client as first to close.
      expect(close).toMatchObject({ by: 'client', reason: reasonOf[c.disconnect ?? 'quit'] })
      expect(c.serverClosed).toBe(c.disconnect !== 'reset')
    }
  })
})

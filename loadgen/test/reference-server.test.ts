import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLoad } from '../src/create-load.js'
import { startLoggedReferenceServer } from './helper.js'
import type { LoggedReferenceServer } from './helper.js'

let ref: LoggedReferenceServer
beforeAll(async () => { ref = await startLoggedReferenceServer() })
afterAll(async () => { await ref?.cleanup() })

describe('loadgen against the reference server', () => {
  it('runs 50 clients with zero loss, every lifecycle closed, and matching the server\'s log', async () => {
    const r = await createLoad({ port: ref.server.port, clients: 50, minIntervalMs: 50, maxIntervalMs: 150, messages: 3, connectRate: 500, recordClients: true }).start()
    expect(r.outcome).toBe('complete')
    expect(r.clients).toMatchObject({ connected: 50, registered: 50, joined: 50, quitClean: 50, droppedEarly: 0, quitTimedOut: 0 })
    expect(r.messages).toMatchObject({ sent: 150, expected: 150 * 49, unique: 150 * 49, lost: 0, duplicates: 0 })
    expect(r.errors).toEqual({})
    for (const c of r.clientRecords ?? []) {
      expect(c).toMatchObject({ closedBy: 'server', serverClosed: true, error: null })
      expect(c.quitSentMs).not.toBeNull()
      expect(c.closedMs).not.toBeNull()
    }

    // The contract the soak relies on (docs/architecture.md): each client's local address is
    // the server's `remote`, and a client that said QUIT is closed `by: 'client'` in its log.
    const log = await ref.stopAndReadLog()
    const connByRemote = new Map(log.filter(e => e.event === 'open').map(e => [e.remote, e.conn]))
    const closeByConn = new Map(log.filter(e => e.event === 'close').map(e => [e.conn, e]))
    for (const c of r.clientRecords ?? []) {
      const conn = connByRemote.get(`${c.localAddress ?? ''}:${c.localPort ?? ''}`)
      expect(conn, `no open event for ${c.nick}`).toBeDefined()
      expect(closeByConn.get(conn as number)).toMatchObject({ nick: c.nick, by: 'client' })
    }
  })
})

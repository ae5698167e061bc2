import { Writable } from 'node:stream'
import pino from 'pino'
import { describe, expect, it } from 'vitest'
import { attachLifecycleLog } from '../src/lifecycle-log.js'
import { startServer } from './helper.js'

describe('lifecycle log', () => {
  it('writes one NDJSON record per event with exactly the contract fields', async () => {
    const lines: string[] = []
    const sink = new Writable({ write (chunk: Buffer, _enc, done) { lines.push(...chunk.toString().trim().split('\n')); done() } })
    const srv = await startServer()
    const detach = attachLifecycleLog(srv.server, pino({ base: undefined, timestamp: false }, sink))
    const c = await srv.client()
    await c.register('logged')
    c.send('NICK renamed')
    await c.expect(' NICK renamed')
    c.send('QUIT')
    await srv.closeOf(() => true)
    detach()
    const records = lines.map(l => JSON.parse(l) as Record<string, unknown>)
    expect(records.map(r => Object.keys(r).sort())).toEqual([
      ['conn', 'event', 'level', 'remote'],
      ['conn', 'event', 'level', 'nick'],
      ['conn', 'event', 'from', 'level', 'to'],
      ['by', 'bytesIn', 'bytesOut', 'conn', 'durationMs', 'event', 'level', 'msgsIn', 'msgsOut', 'nick', 'reason']
    ])
    expect(records[2]).toMatchObject({ event: 'nick', conn: 1, from: 'logged', to: 'renamed' })
    // Detached: nothing more is written.
    const c2 = await srv.client()
    c2.socket.end()
    await srv.closeOf(e => e.conn === 2)
    expect(lines).toHaveLength(4)
  })
})

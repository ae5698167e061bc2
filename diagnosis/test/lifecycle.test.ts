import { describe, expect, it } from 'vitest'
import { parseLifecycleLine, parseLifecycleLog } from '../src/lifecycle-event.js'
import type { ClientLifecycle } from '../src/lifecycle-match.js'
import { matchLifecycle } from '../src/lifecycle-match.js'

const log = [
  '{"level":30,"time":1,"msg":"listening"}',
  '{"level":30,"time":2,"event":"open","conn":1,"remote":"127.0.0.1:5001"}',
  '{"level":30,"time":3,"event":"open","conn":2,"remote":"127.0.0.1:5002"}',
  '{"level":30,"time":4,"event":"open","conn":3,"remote":"127.0.0.1:5003"}',
  '{"level":30,"time":5,"event":"registered","conn":1,"nick":"c1"}',
  '{"level":30,"time":6,"event":"registered","conn":2,"nick":"c2"}',
  '{"level":30,"time":7,"event":"nick","conn":2,"from":"c2","to":"c2_"}',
  '{"level":30,"time":8,"event":"registered","conn":3,"nick":"c3"}',
  'not json at all',
  '{"level":30,"time":9,"event":"close","conn":1,"nick":"c1","reason":"Quit","by":"client","bytesIn":10,"bytesOut":20,"msgsIn":1,"msgsOut":2,"durationMs":5}',
  '{"level":30,"time":10,"event":"open","conn":4,"remote":"127.0.0.1:5999"}',
  '{"level":30,"time":11,"event":"close","conn":4,"nick":null,"reason":"probe","by":"client"}',
  '{"event":"close","conn":2,"nick":"c2_","reason":"x","by":"bogus"}'
].join('\n')

const clients: ClientLifecycle[] = [
  { nick: 'c1', localAddress: '127.0.0.1:5001', connectedAt: 1, registeredAt: 2, closedAt: 9, closedBy: 'client' },
  { nick: 'c2', localAddress: '127.0.0.1:5002', connectedAt: 1, registeredAt: 2, closedAt: 9, closedBy: 'client' },
  // Died before learning its local address: matched by nick.
  { nick: 'c3', connectedAt: 1, registeredAt: 2 },
  { nick: 'c4' }
]

describe('parseLifecycleLine', () => {
  it('reads lifecycle events and skips other log lines, torn lines and unknown values', () => {
    expect(parseLifecycleLine('{"event":"open","conn":7,"remote":"127.0.0.1:1","time":3}')).toEqual({ event: 'open', conn: '7', remote: '127.0.0.1:1', time: 3 })
    expect(parseLifecycleLine('{"event":"close","conn":"a","by":"timeout"}')).toEqual({ event: 'close', conn: 'a', nick: null, reason: '', by: 'timeout' })
    expect(parseLifecycleLine('{"msg":"listening 127.0.0.1:6667"}')).toBeUndefined()
    expect(parseLifecycleLine('{"event":"open","conn":1')).toBeUndefined()
    expect(parseLifecycleLine('{"event":"close","conn":1,"by":"aliens"}')).toBeUndefined()
    expect(parseLifecycleLine('{"event":"open","remote":"x"}')).toBeUndefined()
    expect(parseLifecycleLine('listening 127.0.0.1:6667')).toBeUndefined()
  })
})

describe('matchLifecycle', () => {
  it('lists sessions the server opened and never closed, by their last nick, with the client\'s view', () => {
    const match = matchLifecycle(clients, parseLifecycleLog(log))
    expect(match.mode).toBe('matched')
    expect(match.openSessions).toEqual([
      { conn: '2', remote: '127.0.0.1:5002', nick: 'c2_', clientClosed: true },
      { conn: '3', remote: '127.0.0.1:5003', nick: 'c3', clientClosed: false }
    ])
    expect(match.clients).toEqual({ total: 4, connected: 3, registered: 3, closed: 2, neverConnected: 1 })
    expect(match.server).toEqual({ opened: 4, registered: 3, closed: 2, closedBy: { client: 2, server: 0, error: 0, timeout: 0 } })
    expect(match.clientsNotClosed).toEqual(['c3'])
    expect(match.clientsWithoutSession).toEqual([])
    expect(match.sessionsWithoutClient).toBe(1)
  })

  it('finds nothing open when every session closed', () => {
    const events = parseLifecycleLog([
      '{"event":"open","conn":1,"remote":"127.0.0.1:5001"}',
      '{"event":"close","conn":1,"nick":"c1","reason":"Quit","by":"client"}'
    ].join('\n'))
    const match = matchLifecycle([{ nick: 'c1', localAddress: '127.0.0.1:5001', connectedAt: 1, closedAt: 2 }], events)
    expect(match.openSessions).toEqual([])
    expect(match.sessionsWithoutClient).toBe(0)
  })

  it('matches each client to its own session when a later round reuses an earlier client\'s local port', () => {
    const events = parseLifecycleLog([
      '{"event":"open","conn":1,"remote":"127.0.0.1:5001"}',
      '{"event":"registered","conn":1,"nick":"r1-0"}',
      '{"event":"close","conn":1,"nick":"r1-0","reason":"quit","by":"client"}',
      '{"event":"open","conn":2,"remote":"127.0.0.1:5001"}',
      '{"event":"registered","conn":2,"nick":"r2-0"}'
    ].join('\n'))
    const match = matchLifecycle([
      { nick: 'r1-0', localAddress: '127.0.0.1:5001', connectedAt: 1, closedAt: 2 },
      { nick: 'r2-0', localAddress: '127.0.0.1:5001', connectedAt: 3, closedAt: 4 }
    ], events)
    expect(match.clientsWithoutSession).toEqual([])
    expect(match.sessionsWithoutClient).toBe(0)
    expect(match.openSessions).toEqual([{ conn: '2', remote: '127.0.0.1:5001', nick: 'r2-0', clientClosed: true }])
  })

  it('reports clients the server never saw', () => {
    const match = matchLifecycle([{ nick: 'ghost', localAddress: '127.0.0.1:1', connectedAt: 1, closedAt: 2 }], [])
    expect(match.clientsWithoutSession).toEqual(['ghost'])
  })

  it('accounts for the client side only when there are no server events', () => {
    const match = matchLifecycle(clients)
    expect(match).toMatchObject({ mode: 'client-only', server: null, openSessions: [], clientsNotClosed: ['c3'] })
  })
})

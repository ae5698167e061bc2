import { describe, expect, it } from 'vitest'
import { hasCode } from '../../common/src/define-error.js'
import { diffInventories } from '../src/inventory-diff.js'
import { inventory, resource } from './helper.js'

describe('diffInventories', () => {
  const server = resource({ id: 5, type: 'TCPSERVERWRAP', kind: 'server', site: '/app/server.js:3:8' })
  const stdout = resource({ id: 6, type: 'PIPEWRAP', kind: 'other', site: '/app/log.js:1:1' })

  it('reports only resources alive at the end that were not alive at the baseline, grouped by kind, type and site', () => {
    const baseline = inventory([server, stdout, resource({ id: 7 })])
    const end = inventory([
      server, stdout, resource({ id: 7 }),
      resource({ id: 20, remote: { address: '127.0.0.1', port: 5001, family: 'IPv4' } }),
      resource({ id: 21, refed: false }),
      resource({ id: 22, site: '/app/other.js:1:1' }),
      resource({ id: 23, type: 'Timeout', kind: 'timer', site: '/app/server.js:12:3', delayMs: 1000, repeatMs: 1000 })
    ])
    const diff = diffInventories(baseline, end)
    expect(diff.leaked.map((g) => [g.kind, g.type, g.site, g.count, g.refed])).toEqual([
      ['socket', 'TCPWRAP', '/app/server.js:10:5', 2, 1],
      ['socket', 'TCPWRAP', '/app/other.js:1:1', 1, 1],
      ['timer', 'Timeout', '/app/server.js:12:3', 1, 1]
    ])
    expect(diff.leaked[0]?.sample.map((s) => s.id)).toEqual([20, 21])
    expect(diff.leaked[0]?.sample[0]?.remote?.port).toBe(5001)
    expect(diff.leaked[2]?.sample[0]).toMatchObject({ delayMs: 1000, repeatMs: 1000 })
    expect(diff.leakedByKind).toEqual({ socket: 3, server: 0, timer: 1, immediate: 0, other: 0 })
  })

  it('does not count resources that closed, or that existed at the baseline', () => {
    const baseline = inventory([server, resource({ id: 7 }), resource({ id: 8 })])
    const end = inventory([server, resource({ id: 8 })])
    expect(diffInventories(baseline, end).leaked).toEqual([])
  })

  it('caps the sample but not the count', () => {
    const many = Array.from({ length: 50 }, (_, i) => resource({ id: 100 + i }))
    const diff = diffInventories(inventory([]), inventory(many), { sampleSize: 3 })
    expect(diff.leaked[0]?.count).toBe(50)
    expect(diff.leaked[0]?.sample).toHaveLength(3)
  })

  it('tabulates baseline vs end per type, for active resources and the hooks\' registry', () => {
    const baseline = inventory([server], { activeResources: { TCPServerWrap: 1, Timeout: 2 } })
    const end = inventory([server, resource({ id: 9, type: 'Timeout', kind: 'timer', refed: false })], { activeResources: { TCPServerWrap: 1, TCPSocketWrap: 4, Timeout: 2 } })
    expect(diffInventories(baseline, end).rows).toEqual([
      { source: 'active', type: 'TCPServerWrap', baseline: 1, end: 1, delta: 0 },
      { source: 'active', type: 'TCPSocketWrap', baseline: 0, end: 4, delta: 4 },
      { source: 'active', type: 'Timeout', baseline: 2, end: 2, delta: 0 },
      { source: 'tracked', type: 'TCPSERVERWRAP', baseline: 1, end: 1, delta: 0 },
      { source: 'tracked', type: 'Timeout', baseline: 0, end: 1, delta: 1 }
    ])
  })

  it('refuses inventories of two processes, whose async ids cannot be compared', () => {
    let err: unknown
    try { diffInventories(inventory([], { pid: 1 }), inventory([], { pid: 2 })) } catch (e) { err = e }
    expect(hasCode(err, 'SW_DIAG_INVENTORY_MISMATCH')).toBe(true)
    expect(String(err)).toContain('pid 1 vs 2')
  })
})

import { describe, expect, it } from 'vitest'
import { hasCode } from '../../common/src/define-error.js'
import { diffInventories } from '../src/inventory-diff.js'
import { matchLifecycle } from '../src/lifecycle-match.js'
import { decideVerdict } from '../src/verdict.js'
import { applyOverrides, defaultVerdictConfig, matchSite, parseVerdictConfig } from '../src/verdict-config.js'
import { inventory, resource } from './helper.js'

const handles = diffInventories(inventory([]), inventory([
  resource({ id: 1, site: '/app/src/session.js:40:9' }),
  resource({ id: 2, site: '/app/src/session.js:40:9' }),
  resource({ id: 3, type: 'TCPSERVERWRAP', kind: 'server', site: '/app/src/admin.js:5:3' }),
  resource({ id: 4, type: 'Timeout', kind: 'timer', site: '/app/node_modules/pino/lib/x.js:1:1', siteInDependency: true }),
  resource({ id: 5, type: 'Immediate', kind: 'immediate', site: '/app/src/a.js:1:1' })
]))

const category = (verdict: ReturnType<typeof decideVerdict>, name: string): ReturnType<typeof decideVerdict>['categories'][number] | undefined =>
  verdict.categories.find((c) => c.category === name)

describe('decideVerdict', () => {
  it('fails socket and timer with their evidence by default (zero tolerated); servers count as sockets', () => {
    const verdict = decideVerdict({ handles }, defaultVerdictConfig())
    expect(verdict.leak).toBe(true)
    expect(category(verdict, 'socket')).toMatchObject({ status: 'fail', found: 3, counted: 3, threshold: 0 })
    expect(category(verdict, 'socket')?.reason).toBe('3 leaked sockets from 2 creation sites, threshold 0')
    expect(category(verdict, 'timer')).toMatchObject({ status: 'fail', found: 1 })
    expect(verdict.reasons).toEqual([
      'socket: 3 leaked sockets from 2 creation sites, threshold 0',
      'timer: 1 leaked timer from 1 creation site, threshold 0'
    ])
  })

  it('says "not measured" rather than "pass" for missing inputs', () => {
    const verdict = decideVerdict({}, defaultVerdictConfig())
    expect(verdict.leak).toBe(false)
    expect(verdict.categories.map((c) => c.status)).toEqual(['not-measured', 'not-measured', 'not-measured', 'not-measured'])
  })

  it('honours thresholds and allowlists by type, kind and creation site', () => {
    const config = applyOverrides(defaultVerdictConfig(), { thresholds: { socket: 2 }, allowSites: ['node_modules/pino/*'], allowTypes: ['server'] })
    const verdict = decideVerdict({ handles }, config)
    expect(verdict.leak).toBe(false)
    expect(category(verdict, 'socket')).toMatchObject({ status: 'pass', found: 3, allowed: 1, counted: 2, threshold: 2 })
    expect(category(verdict, 'timer')).toMatchObject({ status: 'pass', found: 1, allowed: 1, counted: 0 })
    const timer = category(verdict, 'timer')?.evidence
    expect(timer?.category === 'timer' ? timer.groups[0]?.allowedBy : undefined).toBe('site node_modules/pino/*')
  })

  it('fails lifecycle for sessions opened and never closed, and passes when all closed', () => {
    const events = [{ event: 'open' as const, conn: '1', remote: '127.0.0.1:5' }]
    const open = decideVerdict({ lifecycle: matchLifecycle([{ nick: 'a', localAddress: '127.0.0.1:5', connectedAt: 1 }], events) }, defaultVerdictConfig())
    expect(category(open, 'lifecycle')).toMatchObject({ status: 'fail', found: 1, reason: '1 session opened and never closed by the server, threshold 0' })
    const closed = decideVerdict({ lifecycle: matchLifecycle([{ nick: 'a', connectedAt: 1, closedAt: 2 }]) }, defaultVerdictConfig())
    expect(category(closed, 'lifecycle')?.status).toBe('pass')
    expect(closed.warnings).toContain('lifecycle accounted on the client side only (the target logs no lifecycle events)')
  })

  it('allowlists heap constructors with * wildcards, as the heap comparison does', () => {
    const heap = [{ label: 'LRUCache', count: 9, leak: true, detail: '' }, { label: 'Session', count: 9, leak: true, detail: '' }]
    const verdict = decideVerdict({ heap }, applyOverrides(defaultVerdictConfig(), { allowConstructors: ['LRU*'] }))
    expect(category(verdict, 'heap')).toMatchObject({ status: 'fail', found: 2, allowed: 1, counted: 1 })
    const evidence = category(verdict, 'heap')?.evidence
    expect(evidence?.category === 'heap' ? evidence.findings.map((f) => f.allowedBy) : []).toEqual(['LRU*', null])
  })

  it('judges heap findings flagged as leaks, minus allowlisted constructors', () => {
    const heap = [{ label: 'ChatSession', count: 500, leak: true, detail: '+500 per round' }, { label: 'LRUCache', count: 1, leak: true, detail: '' }, { label: 'Buffer', count: 3, leak: false, detail: '' }]
    const verdict = decideVerdict({ heap }, applyOverrides(defaultVerdictConfig(), { allowConstructors: ['LRUCache'] }))
    expect(category(verdict, 'heap')).toMatchObject({ status: 'fail', found: 2, allowed: 1, counted: 1 })
  })

  it('warns when handles had not settled or the hooks failed', () => {
    const verdict = decideVerdict({ handles, settled: false, hooksFailure: 'boom' }, defaultVerdictConfig())
    expect(verdict.warnings).toHaveLength(2)
  })
})

describe('verdict config', () => {
  it('reads thresholds and allowlists from soakwatch.config.json contents', () => {
    const config = parseVerdictConfig({ thresholds: { timer: 3 }, allow: { types: ['Immediate'], sites: ['src/cache.ts:42'] } }, 'soakwatch.config.json')
    expect(config.thresholds).toEqual({ socket: 0, timer: 3, lifecycle: 0, heap: 0 })
    expect(config.allow).toEqual({ types: ['Immediate'], sites: ['src/cache.ts:42'], constructors: [] })
  })

  it('refuses unknown keys and bad values, naming them', () => {
    const problems: Array<[unknown, string]> = [
      [{ alow: {} }, 'unknown key "alow"'],
      [{ thresholds: { sockets: 1 } }, 'unknown threshold "sockets"'],
      [{ thresholds: { socket: -1 } }, 'thresholds.socket must be a whole number >= 0, got -1'],
      [{ allow: { sites: [3] } }, 'allow.sites must be a list of non-empty strings'],
      [[], 'the top level must be an object']
    ]
    for (const [value, message] of problems) {
      let err: unknown
      try { parseVerdictConfig(value, 'cfg.json') } catch (e) { err = e }
      expect(hasCode(err, 'SW_DIAG_CONFIG_INVALID')).toBe(true)
      expect(String(err)).toContain(message)
    }
  })

  it('matches site globs on a path boundary, line and column optional', () => {
    expect(matchSite('/app/src/cache.ts:42:7', ['src/cache.ts:42'])).toBe('src/cache.ts:42')
    expect(matchSite('/app/src/cache.ts:42:7', ['src/cache.ts'])).toBe('src/cache.ts')
    expect(matchSite('/app/mysrc/cache.ts:42:7', ['src/cache.ts'])).toBeUndefined()
    expect(matchSite('/app/src/cache.ts:420:7', ['src/cache.ts:42'])).toBeUndefined()
    expect(matchSite('/app/node_modules/pino/lib/a.js:1:1', ['*/node_modules/pino/*'])).toBe('*/node_modules/pino/*')
    expect(matchSite('/app/a.js:1:1', ['/app/?.js'])).toBe('/app/?.js')
    expect(matchSite(null, ['*'])).toBeUndefined()
  })
})

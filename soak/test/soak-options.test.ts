import { describe, expect, it } from 'vitest'
import { hasCode } from '../../common/src/define-error.js'
import { defaultVerdictConfig } from '../../diagnosis/src/verdict-config.js'
import { soakSettings, validateSoakOptions } from '../src/soak-options.js'
import { defaultIrcWarmup } from '../../load/src/load-spec.js'
import type { SoakOptions } from '../src/soak-options.js'

const options = (fields: Partial<SoakOptions> = {}): SoakOptions => ({
  target: { kind: 'bundled', leaks: ['socket'] },
  host: '127.0.0.1',
  load: { protocol: 'irc', round: { clients: 500, disconnect: 'mix' }, warmup: defaultIrcWarmup(500) },
  rounds: 3,
  runId: 'run-1',
  profilesDir: '/tmp/p',
  heapSnapshots: true,
  cpuProfile: false,
  heapProfile: false,
  settle: {},
  verdict: defaultVerdictConfig(),
  lifecycleLog: null,
  paths: { hooks: '/h.js', serverScript: '/s.js' },
  readyTimeoutMs: 1000,
  stopGraceMs: 1000,
  heapTimeoutMs: 1000,
  ...fields
})

function refusal (fields: Partial<SoakOptions>): string {
  try {
    validateSoakOptions(options(fields))
  } catch (err) {
    expect(hasCode(err, 'SW_SOAK_INVALID_OPTION')).toBe(true)
    return (err as Error).message
  }
  throw new Error('accepted')
}

describe('soak options', () => {
  it('refuses what the loadgen does not check, naming the option and the value', () => {
    expect(refusal({ rounds: 0 })).toContain('rounds=0')
    expect(refusal({ runId: '../x' })).toContain('runId="../x"')
    expect(refusal({ target: { kind: 'attach', url: 'ws://127.0.0.1:1/x', port: 70000 } })).toContain('target.port=70000')
    expect(refusal({ target: { kind: 'command', command: '  ' } })).toContain('target.command')
    expect(refusal({ stopGraceMs: 0 })).toContain('stopGraceMs=0')
    expect(() => validateSoakOptions(options({ load: { protocol: 'irc', round: { clients: 5, disconnect: 'hangup' as 'mix' }, warmup: defaultIrcWarmup(5) } }))).toThrow(expect.objectContaining({ code: 'SW_LOADGEN_INVALID_OPTION' }))
  })

  it('records the settings a reader needs to run it again', () => {
    expect(soakSettings(options())).toMatchObject({ target: 'bundled', serverLeaks: 'socket', rounds: 3, protocol: 'irc', clients: 500, disconnect: 'quit:5,close:3,reset:2', warmupClients: 20, command: null })
  })
})

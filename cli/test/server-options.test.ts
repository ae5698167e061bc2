import { describe, expect, it } from 'vitest'
import { parseInspectTarget, parseServerArgs, type ServerCliOptions } from '../src/server-options.js'

function run (argv: string[]): ServerCliOptions {
  const cmd = parseServerArgs(argv)
  if (cmd.kind !== 'run') throw new Error(`expected run, got ${cmd.kind}`)
  return cmd.options
}

describe('parseServerArgs', () => {
  it('has the documented defaults', () => {
    expect(run([])).toEqual({
      host: '127.0.0.1',
      port: 6667,
      leak: [],
      inspect: undefined,
      maxLine: 512,
      slowClient: 'disconnect',
      sendq: 262144,
      pingInterval: 60,
      pingTimeout: 30,
      flushInterval: 0,
      log: '-'
    })
  })

  it('reads every option, kebab-case, with repeatable --leak', () => {
    expect(run([
      '--host', '127.0.0.2', '--port', '0', '--leak', 'timer', '--leak', 'close-race', '--leak', 'timer',
      '--max-line', '1024', '--slow-client', 'drop', '--sendq', '65536', '--ping-interval', '0.5', '--ping-timeout', '2',
      '--flush-interval', '5', '--log', 'out.ndjson', '--inspect', '127.0.0.1:9229'
    ])).toEqual({
      host: '127.0.0.2',
      port: 0,
      leak: ['timer', 'close-race'],
      inspect: { host: '127.0.0.1', port: 9229 },
      maxLine: 1024,
      slowClient: 'drop',
      sendq: 65536,
      pingInterval: 0.5,
      pingTimeout: 2,
      flushInterval: 5,
      log: 'out.ndjson'
    })
  })

  it('takes a bare --inspect as 127.0.0.1 on a random port', () => {
    expect(run(['--inspect']).inspect).toEqual({ host: '127.0.0.1', port: 0 })
    expect(run(['--inspect', '--port', '1']).inspect).toEqual({ host: '127.0.0.1', port: 0 })
  })

  it('refuses unknown options, unknown leak kinds and bad numbers with SW_CLI_USAGE', () => {
    expect(() => run(['--nope'])).toThrow(expect.objectContaining({ code: 'SW_CLI_USAGE', message: expect.stringContaining('nope') }))
    expect(() => run(['--leak', 'memory'])).toThrow(expect.objectContaining({ code: 'SW_CLI_USAGE', message: expect.stringContaining('memory') }))
    expect(() => run(['--slow-client', 'block'])).toThrow(expect.objectContaining({ code: 'SW_CLI_USAGE' }))
    expect(() => run(['--port', '70000'])).toThrow(expect.objectContaining({ code: 'SW_CLI_USAGE', message: expect.stringContaining('70000') }))
    expect(() => run(['--port', 'x'])).toThrow(expect.objectContaining({ code: 'SW_CLI_USAGE' }))
    expect(() => run(['--ping-interval', '0'])).toThrow(expect.objectContaining({ code: 'SW_CLI_USAGE', message: expect.stringContaining('--ping-interval') }))
    expect(() => run(['--flush-interval', '2.5'])).toThrow(expect.objectContaining({ code: 'SW_CLI_USAGE', message: expect.stringContaining('--flush-interval') }))
    expect(() => run(['--flush-interval', '-1'])).toThrow(expect.objectContaining({ code: 'SW_CLI_USAGE', message: expect.stringContaining('--flush-interval') }))
  })

  it('returns help text with examples instead of printing it', () => {
    const cmd = parseServerArgs(['--help'])
    expect(cmd.kind).toBe('help')
    if (cmd.kind !== 'help') return
    expect(cmd.text).toContain('--slow-client')
    expect(cmd.text).toContain('Examples:')
    expect(cmd.text).toContain('--leak timer --leak close-race')
  })
})

describe('parseInspectTarget', () => {
  it('accepts loopback hosts in every spelling', () => {
    expect(parseInspectTarget('')).toEqual({ host: '127.0.0.1', port: 0 })
    expect(parseInspectTarget('9229')).toEqual({ host: '127.0.0.1', port: 9229 })
    expect(parseInspectTarget('127.0.0.5:0')).toEqual({ host: '127.0.0.5', port: 0 })
    expect(parseInspectTarget('localhost:9230')).toEqual({ host: '127.0.0.1', port: 9230 })
    expect(parseInspectTarget('[::1]:9231')).toEqual({ host: '::1', port: 9231 })
    expect(parseInspectTarget('::1')).toEqual({ host: '::1', port: 0 })
  })

  it('refuses non-loopback hosts with SW_CLI_INSPECT_NOT_LOOPBACK naming the host', () => {
    for (const value of ['0.0.0.0:9229', '10.1.2.3', 'example.com:1', '[::]:9229', '::']) {
      expect(() => parseInspectTarget(value)).toThrow(expect.objectContaining({ code: 'SW_CLI_INSPECT_NOT_LOOPBACK' }))
    }
    expect(() => parseInspectTarget('0.0.0.0:9229')).toThrow(/"0\.0\.0\.0"/)
  })

  it('refuses a malformed port with SW_CLI_USAGE', () => {
    expect(() => parseInspectTarget('127.0.0.1:99999')).toThrow(expect.objectContaining({ code: 'SW_CLI_USAGE' }))
    expect(() => parseInspectTarget('127.0.0.1:abc')).toThrow(expect.objectContaining({ code: 'SW_CLI_USAGE' }))
  })
})

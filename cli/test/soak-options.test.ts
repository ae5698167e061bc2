import { describe, expect, it } from 'vitest'
import type { SoakwatchError } from '../../common/src/define-error.js'
import { parseSoakArgs, soakHelp } from '../src/soak-options.js'
import type { SoakCommandOptions } from '../src/soak-options.js'
import { BUNDLED_HTTP_REQUESTS, resolveHttpFiles } from '../src/soak-options.js'
import type { LoadSpec } from '../../load/src/load-spec.js'

function run (argv: string[]): SoakCommandOptions {
  const command = parseSoakArgs(argv)
  if (command.kind !== 'run') throw new Error('expected a run')
  return command.options
}

function irc (o: SoakCommandOptions): Extract<LoadSpec, { protocol: 'irc' }> {
  if (o.load.protocol !== 'irc') throw new Error('expected an IRC load')
  return o.load
}

function http (o: SoakCommandOptions): Extract<LoadSpec, { protocol: 'http' }> {
  if (o.load.protocol !== 'http') throw new Error('expected an HTTP load')
  return o.load
}

function refused (argv: string[]): SoakwatchError {
  try {
    parseSoakArgs(argv)
  } catch (err) {
    return err as SoakwatchError
  }
  throw new Error(`accepted ${argv.join(' ')}`)
}

describe('parseSoakArgs', () => {
  it('defaults to the seed\'s experiment on the bundled server: 500 clients, 1–3 s, 3 rounds, clients leaving in a mix', () => {
    const o = run([])
    expect(o.target).toEqual({ kind: 'bundled', leaks: [] })
    expect(o.load.protocol).toBe('irc')
    const load = irc(o)
    expect(load.round).toMatchObject({ clients: 500, minIntervalMs: 1000, maxIntervalMs: 3000, disconnect: { quit: 5, close: 3, reset: 2 } })
    expect(load.round.messages).toBeUndefined() // the loadgen's 11
    expect(load.warmup.clients).toBe(20)
    expect(o).toMatchObject({ rounds: 3, host: '127.0.0.1', out: '.', heapSnapshots: true, cpuProfile: false, heapProfile: false, junit: undefined, runId: undefined })
  })

  it('maps the loadgen\'s flags to the same engine options', () => {
    const o = run(['--clients', '60', '--min-interval', '50', '--max-interval', '200', '--messages', '4', '--connect-rate', '900',
      '--room-size', '30', '--payload-bytes', '16', '--drain-timeout', '1500', '--quit-timeout', '800', '--disconnect', 'close', '--seed', '9'])
    expect(irc(o).round).toMatchObject({ clients: 60, minIntervalMs: 50, maxIntervalMs: 200, messages: 4, connectRate: 900, roomSize: 30, payloadBytes: 16,
      drainTimeoutMs: 1500, quitTimeoutMs: 800, disconnect: { quit: 0, close: 1, reset: 0 }, seed: 9 })
    expect(irc(o).warmup.clients).toBe(20)
    expect(irc(run(['--clients', '5'])).warmup.clients).toBe(5)
    expect(irc(run(['--warmup-clients', '0'])).warmup.clients).toBe(0)
  })

  it('takes the target from --server-leak (repeatable), --target or --attach', () => {
    expect(run(['--server-leak', 'socket', '--server-leak', 'timer', '--server-leak', 'socket']).target).toEqual({ kind: 'bundled', leaks: ['socket', 'timer'] })
    expect(run(['--target', 'node app.js --port {port}']).target).toEqual({ kind: 'command', command: 'node app.js --port {port}' })
    expect(run(['--attach', 'ws://127.0.0.1:9229/abc', '--port', '7000']).target).toEqual({ kind: 'attach', url: 'ws://127.0.0.1:9229/abc', port: 7000 })
  })

  it('turns thresholds and allowlists into verdict overrides, and output flags into options', () => {
    const o = run(['--max-socket', '2', '--max-heap', '1', '--allow-type', 'Immediate', '--allow-site', 'node_modules/pino/*', '--allow-site', 'src/x.ts:4',
      '--allow-constructor', 'LRU*', '--run-id', 'ci-7', '--out', '/tmp/o', '--junit', '--no-heap-snapshots', '--cpu-profile', '--heap-profile',
      '--config', 'my.json', '--settle-timeout', '4000', '--rounds', '2'])
    expect(o.overrides).toEqual({ thresholds: { socket: 2, heap: 1 }, floor: {}, allowTypes: ['Immediate'], allowSites: ['node_modules/pino/*', 'src/x.ts:4'], allowConstructors: ['LRU*'] })
    expect(o).toMatchObject({ runId: 'ci-7', out: '/tmp/o', junit: '', heapSnapshots: false, cpuProfile: true, heapProfile: true, config: 'my.json', settleTimeoutMs: 4000, rounds: 2 })
    expect(run(['--junit', 'out/junit.xml']).junit).toBe('out/junit.xml')
  })

  it('refuses contradicting targets, with a message that says what to do', () => {
    expect(refused(['--target', 'node a.js --port {port}', '--attach', 'ws://127.0.0.1:1/x']).message).toContain('exclude each other')
    expect(refused(['--target', 'node a.js --port {port}', '--server-leak', 'timer']).message).toContain('--server-leak switches bugs of the bundled server')
    expect(refused(['--attach', 'ws://127.0.0.1:9229/abc']).message).toContain('--attach needs --port')
    expect(refused(['--port', '6667']).message).toContain('--port is for --attach')
    expect(refused(['--lifecycle-log', 'x.ndjson']).message).toContain('--lifecycle-log is for --target and --attach')
  })

  it('checks a --target command and an --attach URL before anything starts', () => {
    expect(refused(['--target', 'node app.js --port 3000']).message).toContain('needs a {port} placeholder')
    expect(refused(['--target', 'node app.js --port {port} | tee log']).code).toBe('SW_DIAG_COMMAND_INVALID')
    expect(refused(['--attach', 'ws://10.0.0.5:9229/abc', '--port', '1']).code).toBe('SW_DIAG_INSPECTOR_NOT_LOOPBACK')
    expect(refused(['--attach', 'http://127.0.0.1:9229', '--port', '1']).code).toBe('SW_DIAG_INSPECTOR_URL_INVALID')
  })

  it('refuses bad values with the flag named', () => {
    expect(refused(['--rounds', '0'])).toMatchObject({ code: 'SW_CLI_USAGE', message: expect.stringContaining('--rounds must be a whole number ≥ 1') })
    expect(refused(['--rounds', 'x']).message).toContain('--rounds needs a number')
    expect(refused(['--max-timer', '-1']).message).toContain('--max-timer')
    expect(refused(['--server-leak', 'memory']).message).toContain('memory')
    expect(refused(['--run-id', '../etc']).message).toContain('--run-id names folders')
    expect(refused(['--host', '10.1.2.3']).message).toContain('loopback')
    expect(refused(['--settle-timeout', '0']).message).toContain('--settle-timeout')
    expect(refused(['--bogus']).code).toBe('SW_CLI_USAGE')
    expect(refused(['extra']).message).toContain('extra')
  })

  it('validates the load with the loadgen\'s own rules', () => {
    expect(refused(['--min-interval', '500', '--max-interval', '100']).code).toBe('SW_LOADGEN_INVALID_OPTION')
    expect(refused(['--disconnect', 'hangup']).code).toBe('SW_LOADGEN_INVALID_OPTION')
  })

  it('builds an HTTP load from --protocol http: connections, paths, method, headers, body, amount or duration, rate', () => {
    const o = run(['--protocol', 'http', '--target', 'node app.js --port {port}', '--clients', '100', '--duration', '20', '--url', '/users', '--url', '/health',
      '--method', 'post', '--header', 'X-Key: a:b', '--body', '{}', '--rate', '500', '--pipelining', '2', '--no-keep-alive', '--timeout', '3'])
    expect(http(o).round).toEqual({
      connections: 100,
      requests: [{ method: 'POST', path: '/users', headers: { 'x-key': 'a:b' }, body: '{}' }, { method: 'POST', path: '/health', headers: { 'x-key': 'a:b' }, body: '{}' }],
      durationS: 20, amount: null, rate: 500, pipelining: 2, keepAlive: false, timeoutS: 3
    })
    expect(http(o).warmup).toEqual({ connections: 10, amount: 200 })
    const defaults = http(run(['--protocol', 'http', '--target', 'node app.js --port {port}']))
    expect(defaults.round).toMatchObject({ connections: 50, requests: [{ method: 'GET', path: '/' }], durationS: 10, amount: null, rate: null, keepAlive: true })
    // The bundled server's HTTP face: its own routes.
    expect(http(run(['--protocol', 'http'])).round.requests).toEqual(BUNDLED_HTTP_REQUESTS)
    expect(http(run(['--protocol', 'http', '--amount', '5000', '--clients', '10'])).round).toMatchObject({ amount: 5000, durationS: 10 })
  })

  it('refuses an option of the other protocol\'s load by name, and malformed HTTP options', () => {
    expect(refused(['--protocol', 'http', '--messages', '3']).message).toContain('--messages is an option of the IRC load')
    expect(refused(['--protocol', 'http', '--disconnect', 'quit']).message).toContain('--disconnect is an option of the IRC load')
    expect(refused(['--url', '/x']).message).toContain('--url is an option of the HTTP load; add --protocol http')
    expect(refused(['--no-keep-alive']).message).toContain('--keep-alive is an option of the HTTP load')
    expect(refused(['--protocol', 'http', '--header', 'nocolon']).message).toContain('--header needs "name: value"')
    expect(refused(['--protocol', 'http', '--requests', 'r.json', '--url', '/x']).message).toContain('--requests names every request itself')
    expect(refused(['--protocol', 'http', '--amount', '5', '--clients', '10']).code).toBe('SW_LOAD_INVALID_OPTION')
    expect(refused(['--protocol', 'http', '--url', 'users']).code).toBe('SW_LOAD_INVALID_OPTION')
    expect(refused(['--protocol', 'gopher']).code).toBe('SW_CLI_USAGE')
  })

  it('takes the requests of --requests and the body of --body-file from their contents', () => {
    const spec = run(['--protocol', 'http', '--target', 'node a.js --port {port}', '--requests', 'r.json']).load
    const resolved = resolveHttpFiles(spec, { requests: [{ method: 'put', path: '/a', headers: { n: 1 }, body: { x: 1 } }, { path: '/b' }] })
    expect(resolved.protocol === 'http' && resolved.round.requests).toEqual([{ method: 'PUT', path: '/a', headers: { n: '1' }, body: '{"x":1}' }, { method: 'GET', path: '/b' }])
    expect(() => resolveHttpFiles(spec, { requests: {} })).toThrow(expect.objectContaining({ code: 'SW_CLI_USAGE' }))
    const withBody = resolveHttpFiles(run(['--protocol', 'http', '--target', 'node a.js --port {port}', '--method', 'POST', '--body-file', 'b.json']).load, { body: '{"a":1}' })
    expect(withBody.protocol === 'http' && withBody.round.requests[0]?.body).toBe('{"a":1}')
  })

  it('turns --min-connected, --min-handshake and --min-operations into the load floor, as fractions', () => {
    expect(run(['--min-connected', '1', '--min-handshake', '0.5', '--min-operations', '0']).overrides.floor).toEqual({ connected: 1, handshake: 0.5, operations: 0 })
    expect(refused(['--min-handshake', '90']).message).toContain('--min-handshake is a fraction from 0 to 1')
  })

  it('answers --help without parsing the rest, and the help has examples and the exit codes', async () => {
    expect(parseSoakArgs(['--help', '--bogus'])).toEqual({ kind: 'help' })
    const help = await soakHelp()
    expect(help).toContain('--server-leak')
    expect(help).toContain('Examples:')
    expect(help).toContain('--target "node app.js --port {port}"')
    expect(help).toContain('0 clean · 1 leak found · 2')
  })
})

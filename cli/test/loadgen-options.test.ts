import { describe, expect, it } from 'vitest'
import { loadgenHelp, parseLoadgenArgs } from '../src/loadgen-options.js'
import type { SoakwatchError } from '../../common/src/define-error.js'

function usageError (argv: string[]): SoakwatchError {
  try {
    parseLoadgenArgs(argv)
  } catch (err) {
    return err as SoakwatchError
  }
  throw new Error(`accepted ${argv.join(' ')}`)
}

describe('parseLoadgenArgs', () => {
  it('maps every flag to the engine option it names', () => {
    const p = parseLoadgenArgs([
      '--host', '127.0.0.5', '--port', '7000', '--clients', '300', '--min-interval', '100', '--max-interval', '200',
      '--messages', '5', '--duration', '30', '--connect-rate', '50', '--channel', '#x', '--room-size', '30', '--workers', '2',
      '--source-addresses', '127.0.0.2-127.0.0.3', '--record-clients', '--payload-bytes', '64', '--drain-timeout', '900',
      '--quit-timeout', '700', '--disconnect', 'quit:1,reset:1', '--seed', '42', '--json', 'out.json'
    ])
    expect(p.help).toBe(false)
    expect(p.json).toBe('out.json')
    expect(p.load).toEqual({
      host: '127.0.0.5', port: 7000, clients: 300, minIntervalMs: 100, maxIntervalMs: 200, messages: 5, durationS: 30, connectRate: 50,
      channel: '#x', roomSize: 30, workers: 2, sourceAddresses: ['127.0.0.2', '127.0.0.3'], recordClients: true, payloadBytes: 64,
      drainTimeoutMs: 900, quitTimeoutMs: 700, disconnect: { quit: 1, close: 0, reset: 1 }, seed: 42
    })
  })

  it('defaults to the issue\'s run: 500 clients on port 6667, 1–3 s, messages left to the engine', () => {
    const p = parseLoadgenArgs([])
    expect(p.load).toMatchObject({ host: '127.0.0.1', port: 6667, clients: 500, minIntervalMs: 1000, maxIntervalMs: 3000, workers: 1, recordClients: false })
    expect(p.load.messages).toBeUndefined()
    expect(p.load.durationS).toBeUndefined()
    expect(p.json).toBeUndefined()
  })

  it('lets every client say QUIT unless --disconnect says otherwise, and refuses an unknown style', () => {
    expect(parseLoadgenArgs([]).load.disconnect).toEqual({ quit: 1, close: 0, reset: 0 })
    expect(parseLoadgenArgs(['--disconnect', 'mix']).load.disconnect).toEqual({ quit: 5, close: 3, reset: 2 })
    expect(usageError(['--disconnect', 'hangup']).code).toBe('SW_LOADGEN_INVALID_OPTION')
  })

  it('takes several ports for several server instances', () => {
    expect(parseLoadgenArgs(['--port', '6667,6668']).load.port).toEqual([6667, 6668])
  })

  it('recognises --help without parsing the rest', () => {
    expect(parseLoadgenArgs(['--port', 'nope', '--help']).help).toBe(true)
  })

  it.each([
    [['--bogus'], 'bogus'],
    [['--port', 'x'], '--port needs a port number'],
    [['--clients', 'x'], '--clients needs a number'],
    [['--clients'], 'clients'],
    [['stray'], 'stray']
  ])('refuses %j with a usage error', (argv, fragment) => {
    const err = usageError(argv)
    expect(err.code).toBe('SW_CLI_USAGE')
    expect(err.message).toContain(fragment)
  })

  it('refuses a malformed source address range with the option named', () => {
    const err = usageError(['--source-addresses', '127.0.0.9-127.0.0.2'])
    expect(err.code).toBe('SW_LOADGEN_INVALID_OPTION')
  })

  it('shows examples in the help', async () => {
    const help = await loadgenHelp()
    expect(help).toContain('Examples:')
    expect(help).toContain('--room-size')
    expect(help).toContain('Exit codes')
  })
})

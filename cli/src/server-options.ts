/**
 * `soakwatch server` options: one declarative yargs table typed against
 * {@link ServerCliOptions}, and a pure parser (no printing, no exiting) unit-tested in-process.
 */
import { isIP } from 'node:net'
import yargs, { type Options } from 'yargs'
import { LEAK_KINDS, type LeakKind } from '../../server/src/leak-kinds.js'
import { DEFAULT_OPTIONS, type SlowClientPolicy } from '../../server/src/options.js'
import { CliUsageError, InspectHostError } from './errors.js'

export interface InspectTarget {
  host: string
  port: number
}

export interface ServerCliOptions {
  host: string
  port: number
  leak: LeakKind[]
  /** Where to open the V8 inspector; undefined: not opened. */
  inspect: InspectTarget | undefined
  maxLine: number
  slowClient: SlowClientPolicy
  sendq: number
  /** Seconds. */
  pingInterval: number
  /** Seconds. */
  pingTimeout: number
  /** Milliseconds between flushes of the send queues; 0: every loop iteration. */
  flushInterval: number
  /** `-` for stderr, else a file path (appended to). */
  log: string
}

/** What the command line asks for. */
export type ServerCommand =
  | { kind: 'run', options: ServerCliOptions }
  | { kind: 'help', text: string }

const d = DEFAULT_OPTIONS

/** The option table; keys are the options' camelCase names, flags their kebab-case forms. */
export const SERVER_OPTIONS: { readonly [K in keyof ServerCliOptions]: Options } = {
  host: { type: 'string', default: d.host, describe: 'address to listen on' },
  port: { type: 'number', default: d.port, describe: 'port to listen on (0: any free port)' },
  leak: { type: 'string', array: true, choices: LEAK_KINDS, default: [], describe: 'switch on a leak bug (repeatable); see server/PROTOCOL.md' },
  inspect: { type: 'string', describe: 'open the V8 inspector on [HOST:]PORT, loopback only (bare flag: 127.0.0.1, random port)' },
  maxLine: { type: 'number', default: d.maxLineBytes, describe: 'longest line in bytes, CR LF included' },
  slowClient: { type: 'string', choices: ['disconnect', 'drop'], default: d.slowClient, describe: 'what to do when a client\'s send queue is full' },
  sendq: { type: 'number', default: d.sendQueueBytes, describe: 'send queue limit per client, in bytes' },
  pingInterval: { type: 'number', default: d.pingIntervalMs / 1000, describe: 'seconds of silence before the server pings a client' },
  pingTimeout: { type: 'number', default: d.pingTimeoutMs / 1000, describe: 'seconds a pinged client has to answer' },
  flushInterval: { type: 'number', default: d.flushIntervalMs, describe: 'least ms between two flushes of the send queues (0: every loop iteration); more lines per write, at most this much latency' },
  log: { type: 'string', default: '-', describe: 'lifecycle log (NDJSON): a file to append to, or - for stderr' }
}

const EXAMPLES: Array<[string, string]> = [
  ['npm run server', 'serve on 127.0.0.1:6667'],
  ['npm run server -- --port 0', 'any free port; read it from the "listening HOST:PORT" line'],
  ['npm run server -- --leak timer --leak close-race', 'switch on two leak bugs'],
  ['npm run server -- --inspect --log server.ndjson', 'open the inspector on a random loopback port, log to a file'],
  ['npm run server -- --flush-interval 5', 'under sustained load, batch up to 5 ms of lines per write']
]

function kebab (key: string): string {
  return key.replace(/[A-Z]/g, c => '-' + c.toLowerCase())
}

/**
 * Parses `--inspect`'s value: empty (bare flag) → 127.0.0.1:0; `PORT`; `HOST:PORT`;
 * `[IPv6]:PORT`; `HOST`.
 * @throws {CliUsageError} SW_CLI_USAGE on a malformed value or port
 * @throws {InspectHostError} SW_CLI_INSPECT_NOT_LOOPBACK on a non-loopback host
 */
export function parseInspectTarget (value: string): InspectTarget {
  let host = '127.0.0.1'
  let port = '0'
  const v = value.trim()
  const bracketed = /^\[([^\]]+)\](?::(\d*))?$/.exec(v)
  if (v === '') {
    // defaults
  } else if (bracketed !== null) {
    host = bracketed[1] as string
    port = bracketed[2] ?? '0'
  } else if (/^\d+$/.test(v)) {
    port = v
  } else if (isIP(v) === 6) {
    host = v
  } else {
    const at = v.lastIndexOf(':')
    host = at === -1 ? v : v.slice(0, at)
    port = at === -1 ? '0' : v.slice(at + 1)
  }
  const portNumber = Number(port)
  if (!/^\d+$/.test(port) || portNumber > 65_535) throw new CliUsageError({ command: 'server', problem: `--inspect port must be 0-65535, got ${JSON.stringify(value)}` })
  if (!isLoopback(host)) throw new InspectHostError(host)
  return { host: host === 'localhost' ? '127.0.0.1' : host, port: portNumber }
}

/** 127.0.0.0/8, ::1, or the name localhost. */
export function isLoopback (host: string): boolean {
  if (host === 'localhost' || host === '::1') return true
  return isIP(host) === 4 && host.startsWith('127.')
}

/**
 * Parses `soakwatch server` arguments. Pure: never prints or exits.
 * @throws {CliUsageError} SW_CLI_USAGE for unknown options and bad values
 * @throws {InspectHostError} SW_CLI_INSPECT_NOT_LOOPBACK
 */
export function parseServerArgs (argv: readonly string[]): ServerCommand {
  const parser = yargs()
    .scriptName('npm run server --')
    .usage('$0 [options]\n\nThe reference IRC-subset chat server. Prints "listening HOST:PORT" when it accepts connections.')
    .options(Object.fromEntries(Object.entries(SERVER_OPTIONS).map(([key, option]) => [kebab(key), option])))
    .example(EXAMPLES)
    .strict()
    .version(false)
    .help()
    .wrap(100)
  let failure: string | undefined
  let output = ''
  let raw: Record<string, unknown> = {}
  parser.fail((msg, err) => { failure = msg ?? err?.message ?? 'invalid arguments' })
  // With a callback, yargs neither prints nor exits; help text arrives in `output`.
  void parser.parse([...argv], {}, (_err, args, out) => {
    raw = args as Record<string, unknown>
    output = out
  })
  if (failure !== undefined) throw new CliUsageError({ command: 'server', problem: failure })
  if (raw.help === true) return { kind: 'help', text: output }
  const number = (key: keyof ServerCliOptions, check: (n: number) => boolean, expected: string): number => {
    const n = raw[key]
    if (typeof n !== 'number' || !check(n)) throw new CliUsageError({ command: 'server', problem: `--${kebab(key)} must be ${expected}, got ${String(n)}` })
    return n
  }
  const seconds = (n: number): boolean => Number.isFinite(n) && n > 0
  return {
    kind: 'run',
    options: {
      host: raw.host as string,
      port: number('port', n => Number.isInteger(n) && n >= 0 && n <= 65_535, 'an integer 0-65535'),
      leak: [...new Set(raw.leak as LeakKind[])],
      inspect: raw.inspect === undefined ? undefined : parseInspectTarget(String(raw.inspect)),
      maxLine: number('maxLine', Number.isInteger, 'an integer'),
      slowClient: raw.slowClient as SlowClientPolicy,
      sendq: number('sendq', Number.isInteger, 'an integer'),
      pingInterval: number('pingInterval', seconds, 'a positive number of seconds'),
      pingTimeout: number('pingTimeout', seconds, 'a positive number of seconds'),
      flushInterval: number('flushInterval', n => Number.isInteger(n) && n >= 0 && n <= 1_000, 'an integer 0-1000 (ms)'),
      log: raw.log as string
    }
  }
}

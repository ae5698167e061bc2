/**
 * `npm run loadgen` options: one declarative table, typed against the parsed-options object
 * (each flag is the kebab-case form of a property, checked by the compiler), and a pure
 * `parseLoadgenArgs(argv)` that turns argv into engine options or throws a usage error.
 */
import yargs from 'yargs'
import type { Argv, Options } from 'yargs'
import { LOAD_DEFAULTS } from '../../loadgen/src/load-options.js'
import type { LoadOptions } from '../../loadgen/src/load-options.js'
import { parseSourceAddresses } from '../../loadgen/src/source-addresses.js'
import { parseDisconnect } from '../../loadgen/src/disconnect.js'
import { CliUsageError } from './errors.js'

/** What the command line says, before it becomes engine options. */
export interface LoadgenArgs {
  host: string
  /** One port, or a comma-separated list (several server instances). */
  port: string
  clients: number
  minInterval: number
  maxInterval: number
  messages: number | undefined
  duration: number | undefined
  connectRate: number
  channel: string
  roomSize: number | undefined
  workers: number
  sourceAddresses: string | undefined
  recordClients: boolean
  payloadBytes: number
  drainTimeout: number
  quitTimeout: number
  disconnect: string
  seed: number | undefined
  json: string | undefined
}

/** The flags of the load itself, which the soak command shares. */
export type LoadArgs = Pick<LoadgenArgs, 'clients' | 'minInterval' | 'maxInterval' | 'messages' | 'duration' | 'connectRate' | 'channel' |
'roomSize' | 'workers' | 'sourceAddresses' | 'payloadBytes' | 'drainTimeout' | 'quitTimeout' | 'disconnect' | 'seed'>

/** `minInterval` → `min-interval`: the flag of a property. */
export type Kebab<S extends string> = S extends `${infer H}${infer T}`
  ? `${H extends Lowercase<H> ? H : `-${Lowercase<H>}`}${Kebab<T>}`
  : S

/** A declarative yargs table whose flags are the kebab-case forms of `T`'s properties. */
export type OptionTable<T> = { [K in keyof T & string as Kebab<K>]-?: Options & { describe: string } }

/** The option table: each flag is the kebab-case form of a `LoadgenArgs` property (checked by `satisfies`). */
export const LOADGEN_OPTIONS = {
  host: { type: 'string', requiresArg: true, default: LOAD_DEFAULTS.host, describe: 'server address' },
  port: { type: 'string', requiresArg: true, default: '6667', describe: 'server port, or ports of several instances (6667,6668): rooms round-robin' },
  clients: { type: 'number', requiresArg: true, default: 500, describe: 'simulated clients' },
  'min-interval': { type: 'number', requiresArg: true, default: LOAD_DEFAULTS.minIntervalMs, describe: 'shortest pause between two messages of a client, ms' },
  'max-interval': { type: 'number', requiresArg: true, default: LOAD_DEFAULTS.maxIntervalMs, describe: 'longest pause, ms (intervals are uniform in [min, max])' },
  messages: { type: 'number', requiresArg: true, describe: `messages per client (default ${LOAD_DEFAULTS.messages} unless --duration)` },
  duration: { type: 'number', requiresArg: true, describe: 'length of the sending phase, s' },
  'connect-rate': { type: 'number', requiresArg: true, default: LOAD_DEFAULTS.connectRate, describe: 'connections opened per second during ramp-up' },
  channel: { type: 'string', requiresArg: true, default: LOAD_DEFAULTS.channel, describe: 'channel; with several rooms <channel>-<n>' },
  'room-size': { type: 'number', requiresArg: true, describe: 'clients per room, bounds the fan-out (default: one room)' },
  workers: { type: 'number', requiresArg: true, default: LOAD_DEFAULTS.workers, describe: 'worker processes sharing the clients' },
  'source-addresses': { type: 'string', requiresArg: true, describe: 'local addresses to connect from, e.g. 127.0.0.2-127.0.0.9' },
  'record-clients': { type: 'boolean', default: false, describe: "list every client's lifecycle in the JSON result" },
  'payload-bytes': { type: 'number', requiresArg: true, default: LOAD_DEFAULTS.payloadBytes, describe: 'pad each message to this many bytes' },
  'drain-timeout': { type: 'number', requiresArg: true, default: LOAD_DEFAULTS.drainTimeoutMs, describe: 'longest wait for in-flight messages after the last send, ms' },
  'quit-timeout': { type: 'number', requiresArg: true, default: LOAD_DEFAULTS.quitTimeoutMs, describe: 'longest wait for the server to close after a client leaves (QUIT or FIN), ms' },
  disconnect: { type: 'string', requiresArg: true, default: 'quit', describe: 'how clients leave: quit, close (FIN, no QUIT), reset (RST), mix (5:3:2), or weights like quit:6,close:3,reset:1' },
  seed: { type: 'number', requiresArg: true, describe: 'seed of the send schedule (same seed, same schedule)' },
  json: { type: 'string', requiresArg: true, describe: 'write the JSON result to FILE, or to stdout with -' }
} satisfies OptionTable<LoadgenArgs>

/** The examples `--help` shows. */
export const LOADGEN_EXAMPLES: ReadonlyArray<[string, string]> = [
  ['$0 --port 6667 --clients 500', '500 clients, 11 messages each at 1–3 s'],
  ['$0 --port 6667 --clients 2000 --room-size 100 --duration 60', '20 rooms of 100 for a minute'],
  ['$0 --port 6667 --clients 30000 --workers 3 --source-addresses 127.0.0.2-127.0.0.9', 'beyond one process and one address'],
  ['$0 --port 6667 --json result.json', 'keep the mergeable result'],
  ['$0 --port 6667 --disconnect mix', 'half the clients QUIT, the others hang up (FIN) or reset']
]

/** The yargs parser of the command: strict, never exits the process, throws on bad input. */
export function loadgenParser (argv: readonly string[]): Argv {
  return yargs([...argv])
    .scriptName('npm run loadgen --')
    .usage('$0 [options]\n\nSimulated IRC clients: connect, join, send at random intervals, measure fan-out latency and loss.')
    .options(LOADGEN_OPTIONS)
    .example(LOADGEN_EXAMPLES as Array<[string, string]>)
    .epilog('Exit codes: 0 run complete · 2 bad input, target unreachable or lost, worker failed · 130 interrupted (SIGINT).')
    .version(false)
    .help(false)
    .strict()
    .exitProcess(false)
    .wrap(100)
    .fail((message: string | undefined, err: Error | undefined) => {
      throw new CliUsageError({ command: 'loadgen', problem: err?.message ?? message ?? 'invalid arguments' })
    })
}

export interface ParsedLoadgen {
  /** `--help` was asked for: print the help and do nothing else. */
  help: boolean
  load: LoadOptions
  /** Where the JSON result goes: a file, `-` for stdout, or nowhere. */
  json: string | undefined
}

/**
 * Parses the loadgen's argv (without node and the script). Pure: no IO, no exit.
 * @throws {CliUsageError} on an unknown option, a missing or non-numeric value
 * @throws {InvalidLoadOptionError} on a malformed --source-addresses or --disconnect
 */
export function parseLoadgenArgs (argv: readonly string[]): ParsedLoadgen {
  if (argv.includes('--help') || argv.includes('-h')) return { help: true, load: { port: 6667 }, json: undefined }
  const a = loadgenParser(argv).parseSync() as unknown as LoadgenArgs & { _: unknown[] }
  if (a._.length > 0) throw new CliUsageError({ command: 'loadgen', problem: `unexpected argument ${JSON.stringify(a._[0])}` })
  checkNumbers('loadgen', LOADGEN_OPTIONS, a)
  return {
    help: false,
    json: a.json,
    load: { host: a.host, port: parsePorts(a.port), recordClients: a.recordClients, ...loadOptionsFromArgs(a) }
  }
}

/**
 * The engine options the load flags name (everything but where to connect).
 * @throws {InvalidLoadOptionError} on a malformed --source-addresses or --disconnect
 */
export function loadOptionsFromArgs (a: LoadArgs): Omit<LoadOptions, 'host' | 'port' | 'recordClients'> {
  return {
    clients: a.clients,
    minIntervalMs: a.minInterval,
    maxIntervalMs: a.maxInterval,
    messages: a.messages,
    durationS: a.duration,
    connectRate: a.connectRate,
    channel: a.channel,
    roomSize: a.roomSize,
    workers: a.workers,
    sourceAddresses: a.sourceAddresses === undefined ? undefined : parseSourceAddresses(a.sourceAddresses),
    payloadBytes: a.payloadBytes,
    drainTimeoutMs: a.drainTimeout,
    quitTimeoutMs: a.quitTimeout,
    disconnect: parseDisconnect(a.disconnect),
    seed: a.seed
  }
}

/**
 * yargs turns `--port x` into NaN rather than refusing it: refuse it here.
 * @throws {CliUsageError} naming the flag
 */
export function checkNumbers (command: string, table: Record<string, Options>, parsed: object): void {
  for (const [flag, spec] of Object.entries(table)) {
    const value = (parsed as Record<string, unknown>)[flag]
    if (spec.type === 'number' && value !== undefined && !Number.isFinite(value)) {
      throw new CliUsageError({ command, problem: `--${flag} needs a number` })
    }
  }
}

function parsePorts (text: string): number | number[] {
  const ports = String(text).split(',').map(p => p.trim())
  if (!ports.every(p => /^\d{1,5}$/.test(p))) throw new CliUsageError({ command: 'loadgen', problem: `--port needs a port number or a list of them, got ${JSON.stringify(text)}` })
  return ports.length === 1 ? Number(ports[0]) : ports.map(Number)
}

/** The help text, with examples. */
export async function loadgenHelp (): Promise<string> {
  return await loadgenParser([]).getHelp()
}

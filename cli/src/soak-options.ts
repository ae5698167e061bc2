/**
 * `npm run soak` options: one declarative table typed against the parsed-options object (the
 * load flags are the loadgen's own entries), and a pure `parseSoakArgs(argv)` that turns argv
 * into the command's options or throws a usage error — no IO, no exit, no clock.
 */
import yargs from 'yargs'
import type { Argv } from 'yargs'
import { hasPortPlaceholder, parseCommand } from '../../diagnosis/src/command-line.js'
import { isLoopbackHost, parseDevtoolsUrl } from '../../diagnosis/src/devtools-url.js'
import { DEFAULT_SETTLE_POLICY } from '../../diagnosis/src/settle.js'
import type { VerdictOverrides } from '../../diagnosis/src/verdict-config.js'
import { resolveLoadOptions } from '../../loadgen/src/load-options.js'
import { LEAK_KINDS } from '../../server/src/leak-kinds.js'
import { defaultWarmup, SOAK_DEFAULTS } from '../../soak/src/soak-options.js'
import type { RoundLoad, SoakTarget } from '../../soak/src/soak-options.js'
import { CliUsageError } from './errors.js'
import { checkNumbers, LOADGEN_OPTIONS, loadOptionsFromArgs } from './loadgen-options.js'
import type { LoadArgs, OptionTable } from './loadgen-options.js'

/** What the command line says, before it becomes soak options. */
export interface SoakArgs extends LoadArgs {
  host: string
  port: number | undefined
  rounds: number
  warmupClients: number | undefined
  target: string | undefined
  attach: string | undefined
  serverLeak: string[]
  runId: string | undefined
  out: string
  heapSnapshots: boolean
  cpuProfile: boolean
  heapProfile: boolean
  config: string | undefined
  maxSocket: number | undefined
  maxTimer: number | undefined
  maxLifecycle: number | undefined
  maxHeap: number | undefined
  allowType: string[]
  allowSite: string[]
  allowConstructor: string[]
  junit: string | undefined
  settleTimeout: number
  lifecycleLog: string | undefined
  readyTimeout: number
  heapTimeout: number
}

const L = LOADGEN_OPTIONS

/** The option table: each flag is the kebab-case form of a `SoakArgs` property (checked by `satisfies`). */
export const SOAK_OPTIONS = {
  clients: { ...L.clients, describe: 'simulated clients per round' },
  'min-interval': L['min-interval'],
  'max-interval': L['max-interval'],
  messages: L.messages,
  duration: L.duration,
  'connect-rate': L['connect-rate'],
  channel: L.channel,
  'room-size': L['room-size'],
  workers: L.workers,
  'source-addresses': L['source-addresses'],
  'payload-bytes': L['payload-bytes'],
  'drain-timeout': L['drain-timeout'],
  'quit-timeout': L['quit-timeout'],
  disconnect: { ...L.disconnect, default: 'mix', describe: 'how clients leave: mix (quit:5,close:3,reset:2), quit, close (FIN, no QUIT), reset (RST), or weights' },
  seed: L.seed,
  rounds: { type: 'number', requiresArg: true, default: SOAK_DEFAULTS.rounds, describe: 'measured rounds of load → drain → settle → inventory → snapshot' },
  'warmup-clients': { type: 'number', requiresArg: true, describe: `clients of the warm-up before the baseline (default min(clients, ${SOAK_DEFAULTS.warmupClients}); 0: none)` },
  target: { type: 'string', requiresArg: true, describe: 'soak this Node server command instead of the bundled one; {port} is filled with a free port' },
  attach: { type: 'string', requiresArg: true, describe: 'soak a process already running with --inspect and the hooks (ws://127.0.0.1:PORT/ID); needs --port' },
  port: { type: 'number', requiresArg: true, describe: 'with --attach: the port that process serves IRC on' },
  host: { ...L.host, describe: 'loopback address the target serves on' },
  'server-leak': { type: 'string', array: true, requiresArg: true, choices: LEAK_KINDS, default: [], describe: 'run the bundled server with a leak bug (repeatable): ' + LEAK_KINDS.join(', ') },
  'run-id': { type: 'string', requiresArg: true, describe: 'output goes to reports/RUN-ID/ and profiles/RUN-ID/ (default: a timestamp)' },
  out: { type: 'string', requiresArg: true, default: '.', describe: 'folder holding reports/ and profiles/' },
  'heap-snapshots': { type: 'boolean', default: true, describe: 'take and compare heap snapshots (--no-heap-snapshots: handles and lifecycle only, faster)' },
  'cpu-profile': { type: 'boolean', default: false, describe: 'record a CPU profile of the target over the rounds (profiles/RUN-ID/soak.cpuprofile)' },
  'heap-profile': { type: 'boolean', default: false, describe: 'record a sampling heap profile over the rounds (soak.heapprofile)' },
  config: { type: 'string', requiresArg: true, describe: 'verdict thresholds and allowlists (default: ./soakwatch.config.json when present)' },
  'max-socket': { type: 'number', requiresArg: true, describe: 'leaked sockets tolerated (default 0)' },
  'max-timer': { type: 'number', requiresArg: true, describe: 'leaked timers tolerated (default 0)' },
  'max-lifecycle': { type: 'number', requiresArg: true, describe: 'sessions never closed tolerated (default 0)' },
  'max-heap': { type: 'number', requiresArg: true, describe: 'leaking heap classes tolerated (default 0)' },
  'allow-type': { type: 'string', array: true, requiresArg: true, default: [], describe: 'never count this resource type or kind as leaked (Timeout, TCPWRAP, timer…; repeatable)' },
  'allow-site': { type: 'string', array: true, requiresArg: true, default: [], describe: 'never count resources created here (glob on the end of file:line, e.g. node_modules/pino/*; repeatable)' },
  'allow-constructor': { type: 'string', array: true, requiresArg: true, default: [], describe: 'never count this heap class as leaking (* wildcards; repeatable)' },
  junit: { type: 'string', describe: 'also write JUnit XML, to FILE or (bare flag) reports/RUN-ID/junit.xml' },
  'settle-timeout': { type: 'number', requiresArg: true, default: DEFAULT_SETTLE_POLICY.timeoutMs, describe: 'longest wait for handle counts to stop changing after a round, ms' },
  'lifecycle-log': { type: 'string', requiresArg: true, describe: 'with --target/--attach: the target\'s NDJSON lifecycle log (docs/architecture.md) for server-side accounting' },
  'ready-timeout': { type: 'number', requiresArg: true, default: SOAK_DEFAULTS.readyTimeoutMs, describe: 'longest wait for a started target to listen, ms' },
  'heap-timeout': { type: 'number', requiresArg: true, default: SOAK_DEFAULTS.heapTimeoutMs, describe: 'longest the heap comparison may take, ms' }
} satisfies OptionTable<SoakArgs>

/** The examples `--help` shows. */
export const SOAK_EXAMPLES: ReadonlyArray<[string, string]> = [
  ['$0 --clients 500', 'the bundled server: 3 rounds of 500 clients, 11 messages each at 1–3 s'],
  ['$0 --clients 200 --server-leak socket', 'the bundled server with its half-open socket bug: exits 1 with the creation site'],
  ['$0 --target "node app.js --port {port}" --clients 100', 'any Node server that speaks the IRC subset'],
  ['$0 --attach ws://127.0.0.1:9229/ID --port 6667', 'a process started with --inspect and the hooks preloaded'],
  ['$0 --clients 50 --rounds 2 --junit --run-id ci', 'a CI gate: JUnit in reports/ci/junit.xml, exit 0/1/2'],
  ['$0 --clients 300 --cpu-profile --heap-profile', 'also record profiles for DevTools']
]

/** Where the soak's target comes from, and its load: everything the main needs to start. */
export interface SoakCommandOptions {
  target: SoakTarget
  host: string
  load: RoundLoad
  rounds: number
  warmupClients: number
  /** Undefined: the main picks a timestamp. */
  runId: string | undefined
  out: string
  heapSnapshots: boolean
  cpuProfile: boolean
  heapProfile: boolean
  /** Undefined: ./soakwatch.config.json when it exists. */
  config: string | undefined
  overrides: VerdictOverrides
  /** Undefined: no JUnit; '' : the default path. */
  junit: string | undefined
  settleTimeoutMs: number
  lifecycleLog: string | undefined
  readyTimeoutMs: number
  heapTimeoutMs: number
}

export type SoakCommand = { kind: 'help' } | { kind: 'run', options: SoakCommandOptions }

/** The yargs parser of the command: strict, never exits the process, throws on bad input. */
export function soakParser (argv: readonly string[]): Argv {
  return yargs([...argv])
    .scriptName('npm run soak --')
    .usage('$0 [options]\n\nStarts a Node server with inspector hooks, soaks it with simulated IRC clients in rounds, and says whether it leaks sockets, timers, sessions or heap, with the evidence.')
    .options(SOAK_OPTIONS)
    .example(SOAK_EXAMPLES as Array<[string, string]>)
    .epilog('Exit codes: 0 clean · 1 leak found · 2 the harness, the target or the input failed · 130 interrupted (SIGINT; the partial report is written).\nDocs: docs/soak.md')
    .version(false)
    .help(false)
    .strict()
    .exitProcess(false)
    .wrap(110)
    .fail((message: string | undefined, err: Error | undefined) => {
      throw usage(err?.message ?? message ?? 'invalid arguments')
    })
}

/**
 * Parses the soak's argv (without node and the script). Pure.
 * @throws {CliUsageError} on unknown options, bad values, contradicting options
 * @throws {InvalidLoadOptionError} on an invalid load option (same message as the loadgen's)
 * @throws {CommandInvalidError} on a --target without {port} or with shell syntax
 * @throws {InspectorUrlInvalidError} {@link InspectorNotLoopbackError} on a bad --attach URL
 */
export function parseSoakArgs (argv: readonly string[]): SoakCommand {
  if (argv.includes('--help') || argv.includes('-h')) return { kind: 'help' }
  // strict(): positional arguments are refused as unknown too.
  const a = soakParser(argv).parseSync() as unknown as SoakArgs
  checkNumbers('soak', SOAK_OPTIONS, a)
  const target = parseTarget(a)
  if (!isLoopbackHost(a.host)) throw usage(`--host must be a loopback address (soakwatch only loads local processes), got ${JSON.stringify(a.host)}`)
  for (const [flag, value, min] of [['rounds', a.rounds, 1], ['warmup-clients', a.warmupClients, 0], ['max-socket', a.maxSocket, 0], ['max-timer', a.maxTimer, 0], ['max-lifecycle', a.maxLifecycle, 0], ['max-heap', a.maxHeap, 0]] as const) {
    if (value !== undefined && !(Number.isInteger(value) && value >= min)) throw usage(`--${flag} must be a whole number ≥ ${min}, got ${String(value)}`)
  }
  for (const [flag, value] of [['settle-timeout', a.settleTimeout], ['ready-timeout', a.readyTimeout], ['heap-timeout', a.heapTimeout]] as const) {
    if (!(value > 0)) throw usage(`--${flag} must be a number of ms > 0, got ${value}`)
  }
  if (a.runId !== undefined && !/^[\w.-]{1,100}$/.test(a.runId)) throw usage(`--run-id names folders: letters, digits, ".", "_" or "-", got ${JSON.stringify(a.runId)}`)
  if (a.lifecycleLog !== undefined && target.kind === 'bundled') throw usage('--lifecycle-log is for --target and --attach; the bundled server\'s log is read anyway')
  const fromArgs = loadOptionsFromArgs(a)
  const load: RoundLoad = { ...fromArgs, clients: a.clients, disconnect: fromArgs.disconnect ?? SOAK_DEFAULTS.disconnect }
  // The loadgen's own validation, now rather than after the target has started.
  resolveLoadOptions({ ...load, port: 1, nickPrefix: 'a', seed: 0 })
  const thresholds: VerdictOverrides['thresholds'] = {}
  if (a.maxSocket !== undefined) thresholds.socket = a.maxSocket
  if (a.maxTimer !== undefined) thresholds.timer = a.maxTimer
  if (a.maxLifecycle !== undefined) thresholds.lifecycle = a.maxLifecycle
  if (a.maxHeap !== undefined) thresholds.heap = a.maxHeap
  return {
    kind: 'run',
    options: {
      target,
      host: a.host,
      load,
      rounds: a.rounds,
      warmupClients: a.warmupClients ?? defaultWarmup(a.clients).clients,
      runId: a.runId,
      out: a.out,
      heapSnapshots: a.heapSnapshots,
      cpuProfile: a.cpuProfile,
      heapProfile: a.heapProfile,
      config: a.config,
      overrides: { thresholds, allowTypes: a.allowType, allowSites: a.allowSite, allowConstructors: a.allowConstructor },
      junit: a.junit,
      settleTimeoutMs: a.settleTimeout,
      lifecycleLog: a.lifecycleLog,
      readyTimeoutMs: a.readyTimeout,
      heapTimeoutMs: a.heapTimeout
    }
  }
}

/** The help text, with examples. */
export async function soakHelp (): Promise<string> {
  return await soakParser([]).getHelp()
}

function parseTarget (a: SoakArgs): SoakTarget {
  if (a.target !== undefined && a.attach !== undefined) throw usage('--target and --attach exclude each other: start a command, or attach to a running process')
  if (a.serverLeak.length > 0 && (a.target !== undefined || a.attach !== undefined)) throw usage('--server-leak switches bugs of the bundled server; it has no meaning with --target or --attach')
  if (a.attach !== undefined) {
    parseDevtoolsUrl(a.attach)
    if (a.port === undefined) throw usage('--attach needs --port: the port the attached process serves IRC on')
    return { kind: 'attach', url: a.attach, port: a.port }
  }
  if (a.port !== undefined) throw usage('--port is for --attach; a started target gets a free port ({port} in --target)')
  if (a.target !== undefined) {
    // Checked now, before anything starts: no shell syntax, and a {port} to fill in.
    if (!hasPortPlaceholder(parseCommand(a.target).argv)) throw usage(`--target needs a {port} placeholder where the server takes its port, got ${JSON.stringify(a.target)}`)
    return { kind: 'command', command: a.target }
  }
  return { kind: 'bundled', leaks: [...new Set(a.serverLeak)] }
}

function usage (problem: string): InstanceType<typeof CliUsageError> {
  return new CliUsageError({ command: 'soak', problem })
}

/**
 * `npm run soak` options: one declarative table typed against the parsed-options object (the
 * IRC load flags are the loadgen's own entries), and a pure `parseSoakArgs(argv)` that turns
 * argv into the command's options or throws a usage error — no IO, no exit, no clock. The
 * files an HTTP load may name (`--requests`, `--body-file`) are read by the command, which
 * passes their contents to `resolveHttpFiles`.
 */
import yargs from 'yargs'
import type { Argv } from 'yargs'
import { hasPortPlaceholder, parseCommand } from '../../diagnosis/src/target/command-line.js'
import { isLoopbackHost, parseDevtoolsUrl } from '../../diagnosis/src/devtools-url.js'
import { DEFAULT_SETTLE_POLICY } from '../../diagnosis/src/settle.js'
import type { VerdictOverrides } from '../../diagnosis/src/verdict-config.js'
import type { HttpRequestSpec } from '../../load/src/http-driver.js'
import type { LoadProtocol } from '../../load/src/load-driver.js'
import { defaultHttpWarmup, defaultIrcWarmup, LOAD_DEFAULTS, validateLoadSpec } from '../../load/src/load-spec.js'
import type { IrcRoundLoad, LoadSpec } from '../../load/src/load-spec.js'
import { LEAK_KINDS } from '../../server/src/leak-kinds.js'
import { SOAK_DEFAULTS } from '../../soak/src/soak-options.js'
import type { SoakTarget } from '../../soak/src/soak-options.js'
import { CliUsageError } from './errors.js'
import { checkNumbers, LOADGEN_OPTIONS, loadOptionsFromArgs } from './loadgen-options.js'
import type { LoadArgs, OptionTable } from './loadgen-options.js'

/** What the command line says, before it becomes soak options. */
export interface SoakArgs extends Omit<LoadArgs, 'clients' | 'disconnect'> {
  clients: number | undefined
  disconnect: string | undefined
  protocol: LoadProtocol
  url: string[]
  requests: string | undefined
  method: string
  header: string[]
  body: string | undefined
  bodyFile: string | undefined
  amount: number | undefined
  rate: number | undefined
  pipelining: number
  keepAlive: boolean
  timeout: number
  minConnected: number | undefined
  minHandshake: number | undefined
  minOperations: number | undefined
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

/** Flags that only one protocol's load reads; given with the other, they are refused by name. */
const IRC_ONLY = ['min-interval', 'max-interval', 'messages', 'connect-rate', 'channel', 'room-size', 'workers', 'source-addresses', 'payload-bytes', 'drain-timeout', 'quit-timeout', 'disconnect', 'seed'] as const
const HTTP_ONLY = ['url', 'requests', 'method', 'header', 'body', 'body-file', 'amount', 'rate', 'pipelining', 'keep-alive', 'timeout'] as const

export const SOAK_HTTP_DEFAULTS = {
  connections: 50,
  durationS: 10,
  timeoutS: 10,
  pipelining: 1
} as const

/** The option table: each flag is the kebab-case form of a `SoakArgs` property (checked by `satisfies`). */
export const SOAK_OPTIONS = {
  protocol: { type: 'string', requiresArg: true, choices: ['irc', 'http'], default: 'irc', describe: 'what the load speaks: irc (simulated chat clients) or http (autocannon)' },
  clients: { type: 'number', requiresArg: true, describe: `clients per round (IRC, default ${String(L.clients.default)}) or concurrent connections (HTTP, default ${SOAK_HTTP_DEFAULTS.connections})` },
  'min-interval': L['min-interval'],
  'max-interval': L['max-interval'],
  messages: L.messages,
  duration: { ...L.duration, describe: `IRC: length of the sending phase, s; HTTP: seconds of load per round (default ${SOAK_HTTP_DEFAULTS.durationS}; with --amount, the round's bound)` },
  'connect-rate': L['connect-rate'],
  channel: L.channel,
  'room-size': L['room-size'],
  workers: L.workers,
  'source-addresses': L['source-addresses'],
  'payload-bytes': L['payload-bytes'],
  'drain-timeout': L['drain-timeout'],
  'quit-timeout': L['quit-timeout'],
  disconnect: { type: 'string', requiresArg: true, describe: 'how IRC clients leave: mix (quit:5,close:3,reset:2, the default), quit, close (FIN, no QUIT), reset (RST), or weights' },
  seed: L.seed,
  url: { type: 'string', array: true, requiresArg: true, default: [], describe: 'HTTP: a path to request (repeatable; each connection cycles through them; default / , or the bundled server\'s routes)' },
  requests: { type: 'string', requiresArg: true, describe: 'HTTP: a JSON file holding an array of requests: {"method","path","headers","body"}' },
  method: { type: 'string', requiresArg: true, default: 'GET', describe: 'HTTP: the method of the --url requests' },
  header: { type: 'string', array: true, requiresArg: true, default: [], describe: 'HTTP: a header "name: value" of the --url requests (repeatable)' },
  body: { type: 'string', requiresArg: true, describe: 'HTTP: the body of the --url requests' },
  'body-file': { type: 'string', requiresArg: true, describe: 'HTTP: read the body of the --url requests from FILE' },
  amount: { type: 'number', requiresArg: true, describe: 'HTTP: requests per round instead of a duration' },
  rate: { type: 'number', requiresArg: true, describe: 'HTTP: requests per second overall (latency then corrected for coordinated omission); default: as fast as answered' },
  pipelining: { type: 'number', requiresArg: true, default: SOAK_HTTP_DEFAULTS.pipelining, describe: 'HTTP: requests in flight per connection' },
  'keep-alive': { type: 'boolean', default: true, describe: 'HTTP: reuse connections (--no-keep-alive: a connection per request, exercising the server\'s close path)' },
  timeout: { type: 'number', requiresArg: true, default: SOAK_HTTP_DEFAULTS.timeoutS, describe: 'HTTP: seconds to wait for a response before counting a timeout' },
  'min-connected': { type: 'number', requiresArg: true, describe: 'load floor: fraction of clients that must connect in every round, or the run is inconclusive (default 0.9)' },
  'min-handshake': { type: 'number', requiresArg: true, describe: 'load floor: fraction that must complete the handshake (IRC join, HTTP response) (default 0.9)' },
  'min-operations': { type: 'number', requiresArg: true, describe: 'load floor: fraction of the planned messages or requests that must be sent (default 0.9)' },
  rounds: { type: 'number', requiresArg: true, default: SOAK_DEFAULTS.rounds, describe: 'measured rounds of load → drain → settle → inventory → snapshot' },
  'warmup-clients': { type: 'number', requiresArg: true, describe: `clients (connections) of the warm-up before the baseline (default min(clients, ${LOAD_DEFAULTS.ircWarmupClients}) for IRC, min(connections, ${LOAD_DEFAULTS.httpWarmupConnections}) for HTTP; 0: none)` },
  target: { type: 'string', requiresArg: true, describe: 'soak this Node server command instead of the bundled one; {port} is filled with a free port' },
  attach: { type: 'string', requiresArg: true, describe: 'soak a process already running with --inspect and the hooks (ws://127.0.0.1:PORT/ID); needs --port' },
  port: { type: 'number', requiresArg: true, describe: 'with --attach: the port that process serves on' },
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
  ['$0 --protocol http --target "npm start -- --port {port}" --clients 100 --duration 20', 'an HTTP service started the way it usually is'],
  ['$0 --protocol http --target "node app.js --port {port}" --url /users --url /health', 'HTTP requests spread over paths'],
  ['$0 --attach ws://127.0.0.1:9229/ID --port 6667', 'a process started with --inspect and the hooks preloaded'],
  ['$0 --clients 50 --rounds 2 --junit --run-id ci', 'a CI gate: JUnit in reports/ci/junit.xml, exit 0/1/2'],
  ['$0 --clients 300 --cpu-profile --heap-profile', 'also record profiles for DevTools']
]

/** Where the soak's target comes from, and its load: everything the main needs to start. */
export interface SoakCommandOptions {
  target: SoakTarget
  host: string
  /** The load; for HTTP, the requests of `httpFiles` replace those from --url when given. */
  load: LoadSpec
  /** Files an HTTP load names, read by the command (see `resolveHttpFiles`). */
  httpFiles: { requests: string | undefined, body: string | undefined }
  rounds: number
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
    .usage('$0 [options]\n\nStarts a Node server with inspector hooks, soaks it in rounds with simulated IRC clients or HTTP load, and says whether it leaks sockets, timers, sessions or heap, with the evidence.')
    .options(SOAK_OPTIONS)
    .example(SOAK_EXAMPLES as Array<[string, string]>)
    .epilog('Exit codes: 0 clean · 1 leak found · 2 inconclusive (the load did not reach the target), or the harness, the target or the input failed · 130 interrupted (SIGINT; the partial report is written).\nDocs: docs/soak.md')
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
  const load = loadSpecFromArgs(a, target, argv)
  validateLoadSpec(load)
  const thresholds: VerdictOverrides['thresholds'] = {}
  if (a.maxSocket !== undefined) thresholds.socket = a.maxSocket
  if (a.maxTimer !== undefined) thresholds.timer = a.maxTimer
  if (a.maxLifecycle !== undefined) thresholds.lifecycle = a.maxLifecycle
  if (a.maxHeap !== undefined) thresholds.heap = a.maxHeap
  const floor: VerdictOverrides['floor'] = {}
  for (const [key, flag, value] of [['connected', 'min-connected', a.minConnected], ['handshake', 'min-handshake', a.minHandshake], ['operations', 'min-operations', a.minOperations]] as const) {
    if (value === undefined) continue
    if (!(value >= 0 && value <= 1)) throw usage(`--${flag} is a fraction from 0 to 1, got ${String(value)}`)
    floor[key] = value
  }
  return {
    kind: 'run',
    options: {
      target,
      host: a.host,
      load,
      httpFiles: { requests: a.requests, body: a.bodyFile },
      rounds: a.rounds,
      runId: a.runId,
      out: a.out,
      heapSnapshots: a.heapSnapshots,
      cpuProfile: a.cpuProfile,
      heapProfile: a.heapProfile,
      config: a.config,
      overrides: { thresholds, floor, allowTypes: a.allowType, allowSites: a.allowSite, allowConstructors: a.allowConstructor },
      junit: a.junit,
      settleTimeoutMs: a.settleTimeout,
      lifecycleLog: a.lifecycleLog,
      readyTimeoutMs: a.readyTimeout,
      heapTimeoutMs: a.heapTimeout
    }
  }
}

/**
 * The load the flags describe, for the protocol asked for. A flag of the other protocol's load
 * is refused by name: it would be silently ignored otherwise.
 * @throws {CliUsageError}
 */
function loadSpecFromArgs (a: SoakArgs, target: SoakTarget, argv: readonly string[]): LoadSpec {
  const given = givenFlags(argv)
  const foreign = (a.protocol === 'irc' ? HTTP_ONLY : IRC_ONLY).find((f) => given.has(f))
  if (foreign !== undefined) throw usage(`--${foreign} is an option of the ${a.protocol === 'irc' ? 'HTTP' : 'IRC'} load; add --protocol ${a.protocol === 'irc' ? 'http' : 'irc'} or drop it`)
  if (a.protocol === 'irc') {
    const clients = a.clients ?? Number(L.clients.default)
    const fromArgs = loadOptionsFromArgs({ ...a, clients, disconnect: a.disconnect ?? 'mix' })
    const round: IrcRoundLoad = { ...fromArgs, clients, disconnect: fromArgs.disconnect ?? SOAK_DEFAULTS.disconnect }
    return { protocol: 'irc', round, warmup: { ...defaultIrcWarmup(clients), clients: a.warmupClients ?? defaultIrcWarmup(clients).clients } }
  }
  if (a.requests !== undefined && (given.has('url') || given.has('method') || given.has('header') || given.has('body') || given.has('body-file'))) {
    throw usage('--requests names every request itself; --url, --method, --header, --body and --body-file describe the requests of --url')
  }
  if (a.body !== undefined && a.bodyFile !== undefined) throw usage('--body and --body-file exclude each other')
  const headers: Record<string, string> = {}
  for (const h of a.header) {
    const colon = h.indexOf(':')
    if (colon <= 0) throw usage(`--header needs "name: value", got ${JSON.stringify(h)}`)
    headers[h.slice(0, colon).trim().toLowerCase()] = h.slice(colon + 1).trim()
  }
  const paths = a.url.length > 0 ? a.url : target.kind === 'bundled' ? [] : ['/']
  const method = a.method.toUpperCase()
  const requests: HttpRequestSpec[] = paths.length === 0
    ? BUNDLED_HTTP_REQUESTS.map((r) => ({ ...r }))
    : paths.map((path) => ({ method, path, ...(Object.keys(headers).length > 0 ? { headers } : {}), ...(a.body === undefined ? {} : { body: a.body }) }))
  const connections = a.clients ?? SOAK_HTTP_DEFAULTS.connections
  const warmup = defaultHttpWarmup(connections)
  return {
    protocol: 'http',
    round: {
      connections,
      requests,
      durationS: a.duration ?? SOAK_HTTP_DEFAULTS.durationS,
      amount: a.amount ?? null,
      rate: a.rate ?? null,
      pipelining: a.pipelining,
      keepAlive: a.keepAlive,
      timeoutS: a.timeout
    },
    warmup: a.warmupClients === undefined ? warmup : { connections: a.warmupClients, amount: a.warmupClients * LOAD_DEFAULTS.httpWarmupRequestsPerConnection }
  }
}

/**
 * The bundled server's HTTP face (server/PROTOCOL.md): post to a channel (relayed to its IRC
 * members), read its history, and the health check.
 */
export const BUNDLED_HTTP_REQUESTS: readonly HttpRequestSpec[] = [
  { method: 'POST', path: '/channels/soak/messages', headers: { 'content-type': 'application/json' }, body: '{"from":"soak","text":"hello from the HTTP soak"}' },
  { method: 'GET', path: '/channels/soak/history' },
  { method: 'GET', path: '/health' }
]

/**
 * An HTTP spec with the contents of the files its flags named: `--requests` (parsed JSON)
 * replaces the requests, `--body-file` becomes their body. Pure.
 * @throws {CliUsageError} when the requests file is not an array of requests
 */
export function resolveHttpFiles (spec: LoadSpec, files: { requests?: unknown, body?: string }): LoadSpec {
  if (spec.protocol !== 'http') return spec
  let requests = spec.round.requests
  if (files.requests !== undefined) {
    if (!Array.isArray(files.requests) || files.requests.length === 0) throw usage('--requests must hold a non-empty JSON array of requests')
    requests = files.requests.map((r: unknown, i) => {
      if (r === null || typeof r !== 'object') throw usage(`--requests[${i}] is not an object`)
      const o = r as Record<string, unknown>
      if (o['path'] !== undefined && typeof o['path'] !== 'string') throw usage(`--requests[${i}].path must be a string`)
      if (o['headers'] !== undefined && (o['headers'] === null || typeof o['headers'] !== 'object')) throw usage(`--requests[${i}].headers must be an object`)
      return {
        method: typeof o['method'] === 'string' ? o['method'].toUpperCase() : 'GET',
        path: typeof o['path'] === 'string' ? o['path'] : '/',
        ...(o['headers'] === undefined ? {} : { headers: Object.fromEntries(Object.entries(o['headers'] as object).map(([k, v]) => [k, String(v)])) }),
        ...(o['body'] === undefined ? {} : { body: typeof o['body'] === 'string' ? o['body'] : JSON.stringify(o['body']) })
      }
    })
  }
  if (files.body !== undefined) requests = requests.map((r) => ({ ...r, body: files.body }))
  const resolved: LoadSpec = { ...spec, round: { ...spec.round, requests } }
  validateLoadSpec(resolved)
  return resolved
}

/** The flags present on the command line, in kebab-case (`--no-x` counts as `x`). */
function givenFlags (argv: readonly string[]): Set<string> {
  const flags = new Set<string>()
  for (const arg of argv) {
    if (arg === '--') break
    const match = /^--(?:no-)?([^=]+)/.exec(arg)
    if (match?.[1] !== undefined) flags.add(match[1].replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`))
  }
  return flags
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

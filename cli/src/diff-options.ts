/**
 * Options of `soakwatch diff`: one declarative table typed against `DiffOptions`, and a pure
 * parser over argv (no process, no output) so that every rule is unit-tested in-process.
 */
import yargs, { type Options } from 'yargs'
import { DEFAULT_HEAP_THRESHOLDS } from '../../diagnosis/src/heap/heap-comparison.js'
import { CliUsageError } from './errors.js'

export interface DiffOptions {
  /** Baseline first, final last; any in between are the snapshots after each load round. */
  snapshots: string[]
  /** Clients per load round (one for all, or one per round); null when unknown. */
  clients: number[] | null
  finalIsRound: boolean
  allow: string[]
  /** Where to write the comparison as JSON: a file, '-' for stdout, null for none. */
  json: string | null
  top: number
  paths: number
  minRounds: number
  minObjectsPerRound: number
  minObjectsPerClient: number
  singleRoundObjectsPerClient: number
  proportionality: number
  /** Seconds the analysis may take before it gives up. */
  timeout: number
}

export type DiffArgs = { kind: 'help', text: string } | { kind: 'run', options: DiffOptions }

type Flag = Exclude<keyof DiffOptions, 'snapshots'>

const COMMAND = 'diff'
const t = DEFAULT_HEAP_THRESHOLDS

/** The option table: yargs settings per option, keyed by the option's field. */
export const DIFF_OPTION_TABLE: Record<Flag, Options & { flag: string }> = {
  clients: { flag: 'clients', type: 'string', requiresArg: true, describe: 'clients per load round: N for every round, or N,N,… one per round' },
  finalIsRound: { flag: 'final-is-round', type: 'boolean', default: false, describe: 'the last snapshot was taken right after a load round (no settle): count it as a round' },
  allow: { flag: 'allow', type: 'string', array: true, requiresArg: true, default: [], describe: 'class never reported as a leak (repeatable, * wildcards)' },
  json: { flag: 'json', type: 'string', requiresArg: true, describe: 'also write the comparison as JSON to FILE, or - for stdout (tables then go to stderr)' },
  top: { flag: 'top', type: 'number', requiresArg: true, default: t.topSuspects, describe: 'suspects to report' },
  paths: { flag: 'paths', type: 'number', requiresArg: true, default: t.pathsPerSuspect, describe: 'distinct retainer paths per suspect' },
  minRounds: { flag: 'min-rounds', type: 'number', requiresArg: true, default: t.minRounds, describe: 'load rounds needed to judge "grows every round"' },
  minObjectsPerRound: { flag: 'min-objects-per-round', type: 'number', requiresArg: true, default: t.minObjectsPerRound, describe: 'survivors a round must leave to count as growth' },
  minObjectsPerClient: { flag: 'min-objects-per-client', type: 'number', requiresArg: true, default: t.minObjectsPerClient, describe: 'with --clients: survivors per client a round must leave to count as growth' },
  singleRoundObjectsPerClient: { flag: 'single-round-objects-per-client', type: 'number', requiresArg: true, default: t.singleRoundObjectsPerClient, describe: 'with one load round and --clients: survivors per client that make a leak' },
  proportionality: { flag: 'proportionality', type: 'number', requiresArg: true, default: t.proportionality, describe: 'least/most survivors per client across rounds for growth to count as proportional (0-1)' },
  timeout: { flag: 'timeout', type: 'number', requiresArg: true, default: 600, describe: 'seconds the analysis may take' }
}

const EXAMPLES: Array<[string, string]> = [
  ['$0 before.heapsnapshot after.heapsnapshot --clients 500', 'one load round of 500 clients: judged by what survives per client'],
  ['$0 baseline.heapsnapshot after.heapsnapshot final.heapsnapshot', 'before, after the load, after it settled (memlab\'s baseline/target/final)'],
  ['$0 profiles/run-1/{baseline,round-1,round-2,round-3}.heapsnapshot --clients 500 --final-is-round', 'three rounds of a soak: a leak grows in every one'],
  ['$0 a.heapsnapshot b.heapsnapshot --json - | jq .suspects', 'the comparison as JSON (docs/heap.md)']
]

function parser (argv: readonly string[]): ReturnType<typeof yargs> {
  let y = yargs([...argv])
    .scriptName('npm run diff --')
    .usage('$0 <baseline> [round…] <final>\n\nCompares V8 heap snapshots of one process (DevTools, v8.writeHeapSnapshot, --heapsnapshot-signal) and names what leaks.\nExit code: 0 clean, 1 leak found, 2 bad input.')
    .parserConfiguration({ 'camel-case-expansion': true, 'strip-aliased': true })
    .version(false)
    .help(false)
    .option('help', { alias: 'h', type: 'boolean', describe: 'show this help' })
    .strictOptions()
    .exitProcess(false)
    .wrap(100)
    .fail((message, err) => { throw new CliUsageError({ command: COMMAND, problem: err?.message ?? message }) })
  for (const { flag, ...settings } of Object.values(DIFF_OPTION_TABLE)) y = y.option(flag, settings)
  for (const [cmd, what] of EXAMPLES) y = y.example(cmd, what)
  return y
}

function usage (problem: string): never {
  throw new CliUsageError({ command: COMMAND, problem })
}

function positiveNumber (name: string, value: unknown, integer: boolean): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || (integer && !Number.isInteger(value))) usage(`--${name} must be a non-negative ${integer ? 'integer' : 'number'}, got ${String(value)}`)
  return value
}

function clientList (value: unknown): number[] | null {
  if (value === undefined) return null
  const parts = String(value).split(',')
  const list = parts.map((p) => Number(p.trim()))
  if (parts.some((p) => p.trim() === '') || list.some((n) => !Number.isInteger(n) || n < 0)) usage(`--clients must be N or N,N,… (non-negative integers), got ${String(value)}`)
  return list
}

/**
 * Parses `soakwatch diff` arguments.
 * @throws {CliUsageError} on unknown options, missing snapshots or malformed values
 */
export function parseDiffArgs (argv: readonly string[]): DiffArgs {
  const y = parser(argv)
  const raw = y.parseSync() as Record<string, unknown> & { _: Array<string | number> }
  if (raw.help === true) {
    let text = ''
    y.showHelp((s) => { text = s })
    return { kind: 'help', text }
  }
  const snapshots = raw._.map(String)
  if (snapshots.length < 2) usage(`needs at least two snapshots (baseline and final), got ${snapshots.length}`)
  const num = (key: Flag, integer = false): number => positiveNumber(DIFF_OPTION_TABLE[key].flag, raw[key], integer)
  const proportionality = num('proportionality')
  if (proportionality > 1) usage(`--proportionality must be between 0 and 1, got ${proportionality}`)
  const options: DiffOptions = {
    snapshots,
    clients: clientList(raw.clients),
    finalIsRound: raw.finalIsRound === true,
    allow: (raw.allow as unknown[]).map(String),
    json: typeof raw.json === 'string' ? raw.json : null,
    top: num('top', true),
    paths: num('paths', true),
    minRounds: num('minRounds', true),
    minObjectsPerRound: num('minObjectsPerRound'),
    minObjectsPerClient: num('minObjectsPerClient'),
    singleRoundObjectsPerClient: num('singleRoundObjectsPerClient'),
    proportionality,
    timeout: num('timeout')
  }
  if (options.timeout === 0) usage('--timeout must be more than 0 seconds')
  const loadRounds = snapshots.length - 2 + (options.finalIsRound || snapshots.length === 2 ? 1 : 0)
  if (options.clients !== null && options.clients.length !== 1 && options.clients.length !== loadRounds) {
    usage(`--clients lists ${options.clients.length} counts but the snapshots make ${loadRounds} load round(s)`)
  }
  return { kind: 'run', options }
}

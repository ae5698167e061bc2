/**
 * What a soak runs: the target, the load of each round (./load/src/load-spec.ts, per
 * protocol, with its warm-up), the rounds, the outputs and the verdict's configuration;
 * defaults and validation. Pure.
 *
 * Defaults and why:
 * - 3 measured rounds. The heap rule calls a class a leak when it survives from *every* load
 *   round in proportion to the clients (docs/heap.md); one round cannot tell a leak from a
 *   cache that filled once, two can but leave one round to prove "flat", three make a one-off
 *   allocation in any single round unable to pass for growth.
 * - A warm-up before the baseline (load-spec.ts says which): what the target initialises
 *   lazily on first use cannot then look like a leak.
 * - IRC clients leave in a mix (`quit:5,close:3,reset:2`), as real clients do: leaks on the
 *   paths of a FIN or a reset without QUIT are invisible to a load that always says QUIT.
 */
import { DISCONNECT_MIX } from '../../loadgen/src/disconnect.js'
import type { LoadSpec } from '../../load/src/load-spec.js'
import { loadSettings, roundClients, validateLoadSpec } from '../../load/src/load-spec.js'
import type { SettlePolicy } from '../../diagnosis/src/settle.js'
import type { VerdictConfig } from '../../diagnosis/src/verdict-config.js'
import { SoakInvalidOptionError } from './errors.js'

/** Which process the soak measures. */
export type SoakTarget =
  /** The bundled chat server, optionally with its leak bugs on (`--server-leak`). */
  | { kind: 'bundled', leaks: readonly string[] }
  /** Any Node server command with a `{port}` placeholder (`--target`). */
  | { kind: 'command', command: string }
  /** A Node process already running with `--inspect` and the hooks (`--attach`), serving on `port`. */
  | { kind: 'attach', url: string, port: number }

export interface SoakOptions {
  target: SoakTarget
  /** Address the target serves on (loopback for the targets the soak starts). */
  host: string
  /** Each round's load and the warm-up, IRC or HTTP. */
  load: LoadSpec
  rounds: number
  runId: string
  /** Folder of this run's snapshots, profiles and the bundled server's lifecycle log (must exist). */
  profilesDir: string
  /** Take heap snapshots and compare them (the `heap` verdict category). */
  heapSnapshots: boolean
  /** Record a CPU profile / a sampling heap profile of the target over the measured rounds. */
  cpuProfile: boolean
  heapProfile: boolean
  settle: Partial<SettlePolicy>
  verdict: VerdictConfig
  /** A target's own lifecycle log in the NDJSON contract of docs/architecture.md (command, attach). */
  lifecycleLog: string | null
  /** Built files the soak needs: the hooks preload and the bundled server's entry script. */
  paths: { hooks: string, serverScript: string }
  /** How long a started target may take to become ready, ms. */
  readyTimeoutMs: number
  /** Wait after SIGTERM before SIGKILL when stopping a started target, ms. */
  stopGraceMs: number
  /** Longest the heap comparison may take, ms. */
  heapTimeoutMs: number
}

export const SOAK_DEFAULTS = {
  rounds: 3,
  disconnect: DISCONNECT_MIX,
  readyTimeoutMs: 20_000,
  stopGraceMs: 2000,
  heapTimeoutMs: 120_000
} as const

/**
 * Checks the soak's own options (rounds, target, timeouts), and the load with its engines' rules.
 * @throws {SoakInvalidOptionError} naming the first invalid option
 * @throws {InvalidLoadOptionError} @throws {LoadOptionError} for an invalid load option
 */
export function validateSoakOptions (o: SoakOptions): SoakOptions {
  check('rounds', o.rounds, Number.isInteger(o.rounds) && o.rounds >= 1, 'an integer ≥ 1')
  check('load clients', roundClients(o.load), Number.isInteger(roundClients(o.load)) && roundClients(o.load) >= 1, 'an integer ≥ 1')
  check('runId', o.runId, /^[\w.-]{1,100}$/.test(o.runId) && o.runId !== '.' && o.runId !== '..', 'letters, digits, ".", "_" or "-" (it names folders)')
  for (const name of ['readyTimeoutMs', 'stopGraceMs', 'heapTimeoutMs'] as const) {
    check(name, o[name], Number.isFinite(o[name]) && o[name] > 0, 'a number of ms > 0')
  }
  if (o.target.kind === 'attach') {
    const port = o.target.port
    check('target.port', port, Number.isInteger(port) && port > 0 && port < 65536, 'the port the attached process serves on (1–65535)')
  }
  if (o.target.kind === 'command') check('target.command', o.target.command, o.target.command.trim() !== '', 'a command line')
  validateLoadSpec(o.load)
  return o
}

/** The options as flat settings for the report (what a reader needs to rerun it). */
export function soakSettings (o: SoakOptions): Record<string, string | number | boolean | null> {
  return {
    target: o.target.kind,
    command: o.target.kind === 'command' ? o.target.command : null,
    attach: o.target.kind === 'attach' ? o.target.url : null,
    serverLeaks: o.target.kind === 'bundled' ? o.target.leaks.join(',') || null : null,
    host: o.host,
    port: o.target.kind === 'attach' ? o.target.port : null,
    rounds: o.rounds,
    ...loadSettings(o.load),
    heapSnapshots: o.heapSnapshots,
    cpuProfile: o.cpuProfile,
    heapProfile: o.heapProfile,
    lifecycleLog: o.lifecycleLog
  }
}

function check (name: string, value: unknown, ok: boolean, expected: string): void {
  if (!ok) throw new SoakInvalidOptionError({ name, value, expected })
}

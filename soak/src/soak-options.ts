/**
 * What a soak runs: the target, the load of each round, the rounds, the warm-up, the outputs
 * and the verdict's configuration; defaults and validation. Pure.
 *
 * Defaults and why:
 * - 3 measured rounds. The heap rule calls a class a leak when it survives from *every* load
 *   round in proportion to the clients (docs/heap.md); one round cannot tell a leak from a
 *   cache that filled once, two can but leave one round to prove "flat", three make a one-off
 *   allocation in any single round unable to pass for growth.
 * - A warm-up of min(clients, 20) clients × 2 messages at 20–60 ms before the baseline: the
 *   first connections, joins and closes initialise lazily (channel maps, compiled code,
 *   pino's buffers, Node's internal free lists); done before the baseline they cannot look
 *   like a leak. It leaves in the same disconnect styles as the rounds, so every close path
 *   has run once.
 * - Clients leave in a mix (`quit:5,close:3,reset:2`), as real clients do: leaks on the paths
 *   of a FIN or a reset without QUIT are invisible to a load that always says QUIT.
 */
import type { LoadOptions } from '../../loadgen/src/load-options.js'
import { DISCONNECT_MIX, formatDisconnect, resolveDisconnect } from '../../loadgen/src/disconnect.js'
import type { DisconnectSpec } from '../../loadgen/src/disconnect.js'
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

/** The load of each measured round: the loadgen's options except where it connects. */
export type RoundLoad = Omit<LoadOptions, 'host' | 'port' | 'recordClients' | 'nickPrefix' | 'disconnect'> & {
  clients: number
  disconnect: DisconnectSpec
}

export interface WarmupLoad {
  /** 0 skips the warm-up. */
  clients: number
  messages: number
  minIntervalMs: number
  maxIntervalMs: number
}

export interface SoakOptions {
  target: SoakTarget
  /** Address the target serves on (loopback for the targets the soak starts). */
  host: string
  load: RoundLoad
  rounds: number
  warmup: WarmupLoad
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
  warmupClients: 20,
  warmupMessages: 2,
  warmupMinIntervalMs: 20,
  warmupMaxIntervalMs: 60,
  warmupQuitTimeoutMs: 1000,
  disconnect: DISCONNECT_MIX,
  readyTimeoutMs: 20_000,
  stopGraceMs: 2000,
  heapTimeoutMs: 120_000
} as const

/** The warm-up for a given round size: small, fast, and in the rounds' disconnect styles. */
export function defaultWarmup (clients: number): WarmupLoad {
  return {
    clients: Math.min(clients, SOAK_DEFAULTS.warmupClients),
    messages: SOAK_DEFAULTS.warmupMessages,
    minIntervalMs: SOAK_DEFAULTS.warmupMinIntervalMs,
    maxIntervalMs: SOAK_DEFAULTS.warmupMaxIntervalMs
  }
}

/**
 * Checks what the loadgen does not: rounds, warm-up, target, timeouts. The load options
 * themselves are validated by the loadgen when a round starts (and by the CLI before that).
 * @throws {SoakInvalidOptionError} naming the first invalid option
 */
export function validateSoakOptions (o: SoakOptions): SoakOptions {
  check('rounds', o.rounds, Number.isInteger(o.rounds) && o.rounds >= 1, 'an integer ≥ 1')
  check('warmup.clients', o.warmup.clients, Number.isInteger(o.warmup.clients) && o.warmup.clients >= 0, 'an integer ≥ 0')
  check('warmup.messages', o.warmup.messages, Number.isInteger(o.warmup.messages) && o.warmup.messages >= 0, 'an integer ≥ 0')
  check('load.clients', o.load.clients, Number.isInteger(o.load.clients) && o.load.clients >= 1, 'an integer ≥ 1')
  check('runId', o.runId, /^[\w.-]{1,100}$/.test(o.runId) && o.runId !== '.' && o.runId !== '..', 'letters, digits, ".", "_" or "-" (it names folders)')
  for (const name of ['readyTimeoutMs', 'stopGraceMs', 'heapTimeoutMs'] as const) {
    check(name, o[name], Number.isFinite(o[name]) && o[name] > 0, 'a number of ms > 0')
  }
  if (o.target.kind === 'attach') {
    const port = o.target.port
    check('target.port', port, Number.isInteger(port) && port > 0 && port < 65536, 'the port the attached process serves on (1–65535)')
  }
  if (o.target.kind === 'command') check('target.command', o.target.command, o.target.command.trim() !== '', 'a command line')
  resolveDisconnect(o.load.disconnect)
  return o
}

/** The options as flat settings for the report (what a reader needs to rerun it). */
export function soakSettings (o: SoakOptions): Record<string, string | number | boolean | null> {
  const l = o.load
  return {
    target: o.target.kind,
    command: o.target.kind === 'command' ? o.target.command : null,
    attach: o.target.kind === 'attach' ? o.target.url : null,
    serverLeaks: o.target.kind === 'bundled' ? o.target.leaks.join(',') || null : null,
    host: o.host,
    port: o.target.kind === 'attach' ? o.target.port : null,
    rounds: o.rounds,
    clients: l.clients,
    minIntervalMs: l.minIntervalMs ?? null,
    maxIntervalMs: l.maxIntervalMs ?? null,
    messages: l.messages ?? null,
    durationS: l.durationS ?? null,
    roomSize: l.roomSize ?? null,
    connectRate: l.connectRate ?? null,
    workers: l.workers ?? null,
    disconnect: formatDisconnect(resolveDisconnect(l.disconnect)),
    seed: l.seed ?? null,
    warmupClients: o.warmup.clients,
    heapSnapshots: o.heapSnapshots,
    cpuProfile: o.cpuProfile,
    heapProfile: o.heapProfile,
    lifecycleLog: o.lifecycleLog
  }
}

function check (name: string, value: unknown, ok: boolean, expected: string): void {
  if (!ok) throw new SoakInvalidOptionError({ name, value, expected })
}

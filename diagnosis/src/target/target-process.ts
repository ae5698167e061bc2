/**
 * Starts the process soakwatch measures — a command, or the bundled server — with the inspector
 * and the target hooks preloaded into every Node process it starts, finds which of them serve
 * its port, and stops the whole tree.
 *
 * Contract:
 * - Two ways to start: any command with a `{port}` placeholder (ready once the port accepts a
 *   TCP connection), or the bundled server, which prints `listening HOST:PORT` on stdout when
 *   ready (docs/architecture.md).
 * - Every Node process of the tree (npm and the server it runs, tsx and its child, a cluster's
 *   workers) inherits `NODE_OPTIONS` with the inspector on 127.0.0.1:0 and the hooks, and the
 *   registry folder's name; each writes its record there (./process-registry.ts). Once ready,
 *   `served` lists the processes that accept the port's connections (./serving-processes.ts),
 *   `tree` every Node process seen. None served: `TargetNotServedError`, the tree stopped.
 * - The command runs without a shell, in its own process group: a Ctrl-C in the terminal
 *   reaches soakwatch only, which can then still take a final inventory before stopping the
 *   target itself.
 * - `stop()` sends SIGTERM to the group and to every recorded process, then SIGKILL after a
 *   bound, and resolves once none of them runs (a wrapper that exits first does not count as
 *   the target stopping); `killNow()` is the synchronous SIGKILL for an `exit` handler.
 * - The last N stderr lines are kept for crash reports; lines are bounded in length.
 * - Events: `stdout-line`, `stderr-line`, `exiting`, `exit` (with `expected: false` for a crash).
 *   `exit` is the first process's (the command's own); a served child that dies is seen by the
 *   soak through its inspector session.
 * - A Node process that exits while an inspector session is attached does not exit: it prints
 *   `Waiting for the debugger to disconnect...` and waits (src/inspector_agent.cc). `exiting`
 *   says so — the line does not say which process — so that the harness can find the session
 *   whose target is gone, disconnect, and let the exit (and its code) happen.
 */
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { EventEmitter, once } from 'node:events'
import { createServer, connect } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { pathToFileURL } from 'node:url'
import { LineSplitter } from '../../../protocol/src/line-splitter.js'
import { CommandInvalidError, TargetExitedError, TargetNotReadyError, TargetNotServedError, TargetStartFailedError } from '../errors.js'
import { REGISTRY_ENV } from '../hooks/process-record.js'
import { fillPort, formatCommand, hasPortPlaceholder, parseCommand } from './command-line.js'
import { runningMembers, signalTree } from './process-group.js'
import type { ProcessTree } from './process-group.js'
import { ProcessRegistry } from './process-registry.js'
import { discoverServing } from './serving-processes.js'
import type { ServedProcess, TreeMember } from './serving-processes.js'

export type TargetSpec =
  /** Any command; `{port}` is replaced by a free port, or `port` names the port it listens on. */
  | { kind: 'command', command: string, port?: number }
  /**
   * The bundled chat server script (dist/scripts/server.js) and its extra arguments; `serve`
   * says which of its faces is the target: IRC (`listening HOST:PORT`, the default) or HTTP
   * (`listening http HOST:PORT`, with `--http-port`).
   */
  | { kind: 'bundled', script: string, args?: readonly string[], serve?: 'irc' | 'http' }

export interface TargetOptions {
  /** Absolute path of the compiled preload (dist/diagnosis/src/hooks/preload.js). */
  hooksPath: string
  /** Host the target listens on and is probed at (default 127.0.0.1). */
  host?: string
  cwd?: string
  env?: Record<string, string>
  /** Stderr lines kept for crash reports (default 50). */
  stderrLines?: number
  /** Give up waiting for readiness after this long (default 20 000 ms). */
  readyTimeoutMs?: number
  /** Wait this long after SIGTERM before SIGKILL (default 3000 ms). */
  stopGraceMs?: number
}

export type { ServedProcess, TreeMember }

export interface TargetExit {
  code: number | null
  signal: NodeJS.Signals | null
  /** False when the target exited without `stop()` being called: a crash. */
  expected: boolean
  stderrTail: string[]
}

export interface TargetProcessEvents {
  'stdout-line': [string]
  'stderr-line': [string]
  /** The process has begun exiting and waits for the inspector session to disconnect. */
  exiting: []
  exit: [TargetExit]
}

const MAX_LINE_BYTES = 64 * 1024
const LISTENING = { irc: /^listening (\S+):(\d+)\s*$/, http: /^listening http (\S+):(\d+)\s*$/ }
/** Node's line when the process would exit but an inspector session holds it (src/inspector_agent.cc). */
const WAITING_FOR_DEBUGGER = /^Waiting for the debugger to disconnect\.\.\.\s*$/
/** What Node's inspector prints on stderr because soakwatch attached it. */
const INSPECTOR_CHATTER = /^(Debugger listening on ws:|For help, see: https:\/\/nodejs\.org\/en\/docs\/inspector|Debugger attached\.|Debugger ending on ws:|Waiting for the debugger to disconnect\.\.\.)/
/** Between the child's exit and its pipes closing, stderr may still hold the crash message. */
const PIPE_DRAIN_MS = 500
/** After SIGKILL, how long to wait for the tree's members to be gone before giving up on them. */
const KILL_WAIT_MS = 2000
/** Poll period while waiting for the tree's members to exit. */
const STOP_POLL_MS = 25

export class TargetProcess extends EventEmitter<TargetProcessEvents> {
  /** The command as displayed in messages. */
  readonly command: string
  readonly pid: number
  readonly #tailSize: number
  readonly #graceMs: number
  readonly #tail: string[] = []
  readonly #exited: Promise<TargetExit>
  readonly #registry: ProcessRegistry
  readonly #tree: ProcessTree
  #exit: TargetExit | undefined
  #stopping: Promise<TargetExit> | undefined
  #served: ServedProcess[] = []
  #members: TreeMember[] = []
  #host: string
  #port: number | undefined
  #listening: RegExp = LISTENING.irc

  private constructor (command: string, child: ChildProcess, host: string, port: number | undefined, registry: ProcessRegistry, options: TargetOptions) {
    super()
    this.command = command
    this.pid = child.pid ?? -1
    this.#registry = registry
    this.#tree = { pgid: this.pid, pids: () => registry.pids(), tag: `${REGISTRY_ENV}=${registry.dir}` }
    this.#host = host
    this.#port = port
    this.#tailSize = options.stderrLines ?? 50
    this.#graceMs = options.stopGraceMs ?? 3000
    this.#pipeLines(child.stdout, 'stdout-line')
    this.#pipeLines(child.stderr, 'stderr-line')
    child.on('error', (err) => this.#onLine('stderr-line', `[soakwatch] child process error: ${err.message}`))
    this.#exited = (async () => {
      // Not events.once: it rejects on 'error', which a live child may emit (e.g. a failed kill).
      // 'close' is listened for from the start: when the pipes close first, Node emits it in
      // the same tick as 'exit', before a listener added after 'exit' could see it.
      const closed = new Promise<void>((resolve) => { child.once('close', () => resolve()) })
      const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => {
        child.once('exit', (c, s) => resolve([c, s]))
      })
      // Ref'd, and bounded: an unref'd wait could let the caller's event loop drain with
      // `stop()` still pending (Node then exits 13 under a top-level await).
      let drain: NodeJS.Timeout | undefined
      await Promise.race([closed, new Promise((resolve) => { drain = setTimeout(resolve, PIPE_DRAIN_MS) })])
      clearTimeout(drain)
      this.#exit = { code, signal, expected: this.#stopping !== undefined, stderrTail: this.stderrTail() }
      this.emit('exit', this.#exit)
      return this.#exit
    })()
  }

  /**
   * Starts a target and resolves once it accepts connections and its inspector URL is known.
   * @throws {CommandInvalidError} for an unparsable command or one with no port to probe
   * @throws {TargetStartFailedError} when the program cannot be spawned
   * @throws {TargetExitedError} when it exits before being ready
   * @throws {TargetNotReadyError} when it is not ready in time (it is stopped first)
   * @throws {TargetNotServedError} when no hooked Node process of its tree serves the port (it is stopped first)
   */
  static async start (spec: TargetSpec, options: TargetOptions): Promise<TargetProcess> {
    const host = options.host ?? '127.0.0.1'
    let argv: string[]
    let env: Record<string, string> = {}
    let port: number | undefined
    if (spec.kind === 'command') {
      const parsed = parseCommand(spec.command)
      env = parsed.env
      if (hasPortPlaceholder(parsed.argv)) {
        port = await freePort(host)
        argv = fillPort(parsed.argv, port)
      } else if (spec.port !== undefined) {
        port = spec.port
        argv = parsed.argv
      } else {
        throw new CommandInvalidError({ command: spec.command, problem: 'no {port} placeholder and no port given, so readiness cannot be checked' })
      }
    } else {
      argv = [process.execPath, spec.script, '--host', host, '--port', '0', ...(spec.args ?? [])]
    }
    const command = formatCommand(argv)
    const target = await TargetProcess.spawn(argv, command, host, port, env, options)
    if (spec.kind === 'bundled') target.#listening = LISTENING[spec.serve ?? 'irc']
    try {
      const deadline = performance.now() + (options.readyTimeoutMs ?? 20_000)
      await target.#waitReady(spec.kind === 'command' ? 'port' : 'listening-line', deadline, options.readyTimeoutMs ?? 20_000)
      await target.#discover(deadline)
    } catch (err) {
      await target.stop()
      throw err
    }
    return target
  }

  /** Host and port the target listens on (known once ready). */
  get address (): { host: string, port: number } {
    if (this.#port === undefined) throw new Error('target is not ready yet')
    return { host: this.#host, port: this.#port }
  }

  /** The processes of the tree that serve the port, to diagnose (known once ready; never empty then). */
  get served (): readonly ServedProcess[] {
    if (this.#served.length === 0) throw new Error('target is not ready yet')
    return this.#served
  }

  /** Every hooked Node process of the tree seen when it became ready, with what it turned out to be. */
  get tree (): readonly TreeMember[] { return this.#members }

  /** The DevTools WebSocket URL of the first served process (known once ready). */
  get devtoolsUrl (): string {
    return (this.served[0] as ServedProcess).inspector
  }

  /** Exit status once it has exited, else undefined. */
  get exitStatus (): TargetExit | undefined { return this.#exit }

  /** Resolves when the process has exited (for any reason). Never rejects. */
  async exited (): Promise<TargetExit> { return await this.#exited }

  /** The last stderr lines, oldest first. */
  stderrTail (): string[] { return [...this.#tail] }

  /**
   * Stops the target's tree: SIGTERM to its process group and every recorded process, SIGKILL
   * to what still runs after `graceMs`. Resolves with the command's exit status once no member
   * runs (or, after SIGKILL, a bounded wait); idempotent. Never throws. A target that crashed
   * may have left children: they are stopped too.
   */
  async stop (graceMs = this.#graceMs): Promise<TargetExit> {
    this.#stopping ??= this.#stopTree(graceMs)
    return await this.#stopping
  }

  /** Synchronous last resort for the harness's own `exit` handler: SIGKILL the tree, no waiting. */
  killNow (): void {
    this.#stopping ??= this.#exited
    signalTree(this.#tree, 'SIGKILL')
    this.#registry.remove()
  }

  async #stopTree (graceMs: number): Promise<TargetExit> {
    signalTree(this.#tree, 'SIGTERM')
    const stopped = async (until: number): Promise<boolean> => {
      while (this.#exit === undefined || runningMembers(this.#tree).length > 0) {
        if (performance.now() >= until) return false
        await Promise.race([this.#exited, sleep(STOP_POLL_MS)])
      }
      return true
    }
    if (!await stopped(performance.now() + graceMs)) {
      signalTree(this.#tree, 'SIGKILL')
      await stopped(performance.now() + KILL_WAIT_MS)
    }
    const exit = await this.#exited
    this.#registry.remove()
    return exit
  }

  private static async spawn (
    argv: string[], command: string, host: string, port: number | undefined, env: Record<string, string>, options: TargetOptions
  ): Promise<TargetProcess> {
    const [program, ...args] = argv as [string, ...string[]]
    const registry = ProcessRegistry.create()
    const child = spawn(program, args, {
      cwd: options.cwd,
      env: {
        ...process.env,
        ...options.env,
        ...env,
        NODE_OPTIONS: nodeOptions(env['NODE_OPTIONS'] ?? options.env?.['NODE_OPTIONS'] ?? process.env['NODE_OPTIONS'], options.hooksPath),
        [REGISTRY_ENV]: registry.dir
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true
    })
    try {
      await once(child, 'spawn')
    } catch (err) {
      registry.remove()
      throw new TargetStartFailedError({ command, reason: err instanceof Error ? err.message : String(err) }, { cause: err })
    }
    return new TargetProcess(command, child, host, port, registry, options)
  }

  #pipeLines (stream: NodeJS.ReadableStream | null, event: 'stdout-line' | 'stderr-line'): void {
    if (stream === null) return
    const splitter = new LineSplitter(MAX_LINE_BYTES, {
      // The splitter yields latin1 (one char per byte); targets write UTF-8.
      onLine: (line) => this.#onLine(event, Buffer.from(line, 'latin1').toString('utf8')),
      onOverflow: () => this.#onLine(event, `[line longer than ${MAX_LINE_BYTES} bytes dropped]`)
    })
    stream.on('data', (chunk: Buffer) => splitter.push(chunk))
  }

  #onLine (event: 'stdout-line' | 'stderr-line', line: string): void {
    if (event === 'stderr-line') {
      // Node's inspector lines are the harness's doing; the tail is for what the target said.
      if (!INSPECTOR_CHATTER.test(line)) {
        this.#tail.push(line)
        if (this.#tail.length > this.#tailSize) this.#tail.shift()
      }
      if (WAITING_FOR_DEBUGGER.test(line)) queueMicrotask(() => this.emit('exiting'))
    } else if (this.#port === undefined) {
      const match = this.#listening.exec(line)
      if (match !== null) {
        this.#host = match[1] ?? this.#host
        this.#port = Number(match[2])
      }
    }
    this.emit(event, line)
  }

  async #waitReady (mode: 'port' | 'listening-line', deadline: number, timeoutMs: number): Promise<void> {
    let delay = 10
    while (true) {
      if (this.#exit !== undefined) throw this.exitError(this.#exit, 'startup')
      const listening = mode === 'port'
        ? this.#port !== undefined && await accepts(this.#host, this.#port)
        : this.#port !== undefined
      if (listening) return
      const left = deadline - performance.now()
      if (left <= 0) {
        throw new TargetNotReadyError({
          command: this.command,
          waitedMs: timeoutMs,
          missing: mode === 'port' ? `connection accepted on ${this.#host}:${String(this.#port)}` : '"listening HOST:PORT" line on stdout'
        })
      }
      // Bounded backoff; a process exit interrupts the wait at once.
      await Promise.race([this.#exited, sleep(Math.min(delay, left))])
      delay = Math.min(delay * 2, 200)
    }
  }

  /**
   * Finds the served processes. A hooked Node server writes its record before its main module
   * runs, so by the time its port accepts connections the record is there: an empty registry
   * now means the port is served by something that is not a hooked Node process.
   */
  async #discover (deadline: number): Promise<void> {
    const address = `${this.#host}:${String(this.#port)}`
    const decision = await discoverServing({ records: () => this.#registry.records(), host: this.#host, port: this.#port as number, deadline })
    if (this.#exit !== undefined) throw this.exitError(this.#exit, 'startup')
    this.#members = decision.tree
    this.#served = decision.served
    if (decision.served.length > 0) return
    const seen = decision.tree.length === 0
      ? 'none of its processes loaded soakwatch\'s hooks (is the server a Node program? does a wrapper drop NODE_OPTIONS?)'
      : `Node processes seen: ${decision.tree.map((m) => `pid ${m.pid} ${describeArgv(m.argv)} (${m.role})`).join(', ')}`
    throw new TargetNotServedError({ command: this.command, address, seen })
  }

  /** The typed error describing an exit, for reports: `during` names the phase, e.g. "load". */
  exitError (exit: TargetExit, during: string): InstanceType<typeof TargetExitedError> {
    return new TargetExitedError({ command: this.command, code: exit.code, signal: exit.signal, during, stderrTail: exit.stderrTail })
  }
}

/** `node server.mjs`, `npm start`: the program's base name and its first arguments, for messages. */
export function describeArgv (argv: readonly string[]): string {
  const [program = '?', ...rest] = argv
  const words = [program.split('/').at(-1) ?? program, ...rest.map((a) => a.includes('/') ? a.split('/').slice(-2).join('/') : a)]
  const shown = words.slice(0, 4).join(' ')
  return words.length > 4 ? `${shown} …` : shown
}

/**
 * NODE_OPTIONS for the target: whatever it already had, plus the inspector on a free loopback
 * port and the hooks. A file URL needs no quoting (spaces are percent-encoded).
 */
export function nodeOptions (existing: string | undefined, hooksPath: string): string {
  const ours = `--inspect=127.0.0.1:0 --import ${pathToFileURL(hooksPath).href}`
  return existing === undefined || existing.trim() === '' ? ours : `${existing} ${ours}`
}

/** A port that was free a moment ago (bind port 0, read it, close). Another process may race us. */
export async function freePort (host: string): Promise<number> {
  const server = createServer()
  server.listen(0, host)
  await once(server, 'listening')
  const address = server.address()
  server.close()
  await once(server, 'close')
  if (address === null || typeof address === 'string') throw new Error(`no TCP port from ${host}`)
  return address.port
}

async function accepts (host: string, port: number): Promise<boolean> {
  const socket = connect({ host, port })
  try {
    await once(socket, 'connect')
    return true
  } catch {
    return false // ECONNREFUSED and friends mean "not yet"; the deadline decides when to give up
  } finally {
    socket.destroy()
  }
}

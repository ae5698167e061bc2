/**
 * Starts the process soakwatch measures, with the inspector and the target hooks preloaded.
 *
 * Contract:
 * - Two ways to start: any command with a `{port}` placeholder (ready once the port accepts a
 *   TCP connection), or the bundled server, which prints `listening HOST:PORT` on stdout when
 *   ready (docs/architecture.md). Both need Node's `Debugger listening on ws://…` stderr line.
 * - The command runs without a shell, in its own process group: the PID we stop is the
 *   target's, and a Ctrl-C in the terminal reaches soakwatch only, which can then still take a
 *   final inventory before stopping the target itself.
 * - `stop()` sends SIGTERM to the group, then SIGKILL after a bound, and resolves on exit.
 * - The last N stderr lines are kept for crash reports; lines are bounded in length.
 * - Events: `stdout-line`, `stderr-line`, `exiting`, `exit` (with `expected: false` for a crash).
 * - A Node process that exits while an inspector session is attached does not exit: it prints
 *   `Waiting for the debugger to disconnect...` and waits (src/inspector_agent.cc). `exiting`
 *   says so, so that the harness can disconnect and let the exit — and its code — happen.
 */
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { EventEmitter, once } from 'node:events'
import { createServer, connect } from 'node:net'
import { pathToFileURL } from 'node:url'
import { LineSplitter } from '../../protocol/src/line-splitter.js'
import { fillPort, formatCommand, hasPortPlaceholder, parseCommand } from './command-line.js'
import { devtoolsUrlFromLine, parseDevtoolsUrl } from './devtools-url.js'
import { CommandInvalidError, TargetExitedError, TargetNotReadyError, TargetStartFailedError } from './errors.js'

export type TargetSpec =
  /** Any command; `{port}` is replaced by a free port, or `port` names the port it listens on. */
  | { kind: 'command', command: string, port?: number }
  /** The bundled chat server script (dist/scripts/server.js) and its extra arguments. */
  | { kind: 'bundled', script: string, args?: readonly string[] }

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
const LISTENING = /^listening (\S+):(\d+)\s*$/
/** Node's line when the process would exit but an inspector session holds it (src/inspector_agent.cc). */
const WAITING_FOR_DEBUGGER = /^Waiting for the debugger to disconnect\.\.\.\s*$/
/** What Node's inspector prints on stderr because soakwatch attached it. */
const INSPECTOR_CHATTER = /^(Debugger listening on ws:|For help, see: https:\/\/nodejs\.org\/en\/docs\/inspector|Debugger attached\.|Debugger ending on ws:|Waiting for the debugger to disconnect\.\.\.)/
/** Between the child's exit and its pipes closing, stderr may still hold the crash message. */
const PIPE_DRAIN_MS = 500

export class TargetProcess extends EventEmitter<TargetProcessEvents> {
  /** The command as displayed in messages. */
  readonly command: string
  readonly pid: number
  readonly #tailSize: number
  readonly #graceMs: number
  readonly #tail: string[] = []
  readonly #exited: Promise<TargetExit>
  #exit: TargetExit | undefined
  #stopping = false
  #devtoolsUrl: string | undefined
  #host: string
  #port: number | undefined

  private constructor (command: string, child: ChildProcess, host: string, port: number | undefined, options: TargetOptions) {
    super()
    this.command = command
    this.pid = child.pid ?? -1
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
      this.#exit = { code, signal, expected: this.#stopping, stderrTail: this.stderrTail() }
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
    try {
      await target.#waitReady(spec.kind === 'command' ? 'port' : 'listening-line', options.readyTimeoutMs ?? 20_000)
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

  /** The DevTools WebSocket URL read from the target's stderr (known once ready). */
  get devtoolsUrl (): string {
    if (this.#devtoolsUrl === undefined) throw new Error('target is not ready yet')
    return this.#devtoolsUrl
  }

  /** Exit status once it has exited, else undefined. */
  get exitStatus (): TargetExit | undefined { return this.#exit }

  /** Resolves when the process has exited (for any reason). Never rejects. */
  async exited (): Promise<TargetExit> { return await this.#exited }

  /** The last stderr lines, oldest first. */
  stderrTail (): string[] { return [...this.#tail] }

  /**
   * Stops the target: SIGTERM to its process group, SIGKILL after `stopGraceMs`.
   * Resolves with its exit status; idempotent. Never throws.
   */
  async stop (graceMs = this.#graceMs): Promise<TargetExit> {
    if (this.#exit !== undefined) return this.#exit
    this.#stopping = true
    this.#signal('SIGTERM')
    const timer = setTimeout(() => this.#signal('SIGKILL'), graceMs)
    try {
      return await this.#exited
    } finally {
      clearTimeout(timer)
    }
  }

  /** Synchronous last resort for the harness's own `exit` handler: SIGKILL, no waiting. */
  killNow (): void {
    if (this.#exit !== undefined) return
    this.#stopping = true
    this.#signal('SIGKILL')
  }

  private static async spawn (
    argv: string[], command: string, host: string, port: number | undefined, env: Record<string, string>, options: TargetOptions
  ): Promise<TargetProcess> {
    const [program, ...args] = argv as [string, ...string[]]
    const child = spawn(program, args, {
      cwd: options.cwd,
      env: { ...process.env, ...options.env, ...env, NODE_OPTIONS: nodeOptions(env['NODE_OPTIONS'] ?? options.env?.['NODE_OPTIONS'] ?? process.env['NODE_OPTIONS'], options.hooksPath) },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true
    })
    try {
      await once(child, 'spawn')
    } catch (err) {
      throw new TargetStartFailedError({ command, reason: err instanceof Error ? err.message : String(err) }, { cause: err })
    }
    return new TargetProcess(command, child, host, port, options)
  }

  #signal (signal: NodeJS.Signals): void {
    try {
      // Negative PID: the whole group, so a wrapper (npm, a shell script) and its node child go together.
      process.kill(-this.pid, signal)
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err // ESRCH: already gone
    }
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
      // The first one wins: a target that spawns node children prints more.
      this.#devtoolsUrl ??= devtoolsUrlFromLine(line)
      if (WAITING_FOR_DEBUGGER.test(line)) queueMicrotask(() => this.emit('exiting'))
    } else if (this.#port === undefined) {
      const match = LISTENING.exec(line)
      if (match !== null) {
        this.#host = match[1] ?? this.#host
        this.#port = Number(match[2])
      }
    }
    this.emit(event, line)
  }

  async #waitReady (mode: 'port' | 'listening-line', timeoutMs: number): Promise<void> {
    const deadline = performance.now() + timeoutMs
    const exitedEarly = this.#exited.then((exit) => exit)
    let delay = 10
    while (true) {
      if (this.#exit !== undefined) throw this.exitError(this.#exit, 'startup')
      const haveUrl = this.#devtoolsUrl !== undefined
      const listening = mode === 'port'
        ? this.#port !== undefined && await accepts(this.#host, this.#port)
        : this.#port !== undefined
      if (haveUrl && listening) break
      const left = deadline - performance.now()
      if (left <= 0) {
        throw new TargetNotReadyError({
          command: this.command,
          waitedMs: timeoutMs,
          missing: !haveUrl ? 'inspector URL on stderr ("Debugger listening on ws://…"; is NODE_OPTIONS passed through?)' : mode === 'port' ? `connection accepted on ${this.#host}:${String(this.#port)}` : '"listening HOST:PORT" line on stdout'
        })
      }
      // Bounded backoff; a process exit interrupts the wait at once.
      const wait = Math.min(delay, left)
      let timer: NodeJS.Timeout | undefined
      await Promise.race([exitedEarly, new Promise((resolve) => { timer = setTimeout(resolve, wait) })])
      clearTimeout(timer)
      delay = Math.min(delay * 2, 200)
    }
    parseDevtoolsUrl(this.devtoolsUrl)
  }

  /** The typed error describing an exit, for reports: `during` names the phase, e.g. "load". */
  exitError (exit: TargetExit, during: string): InstanceType<typeof TargetExitedError> {
    return new TargetExitedError({ command: this.command, code: exit.code, signal: exit.signal, during, stderrTail: exit.stderrTail })
  }
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

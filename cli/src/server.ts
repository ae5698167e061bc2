/**
 * `soakwatch server`: runs the chat server as a process. Wires the engine to its edges: the
 * pino lifecycle log (stderr or a file), the stats accessor on globalThis, the optional
 * inspector, the readiness line on stdout, and graceful shutdown on SIGINT/SIGTERM.
 *
 * Shutdown: the first signal closes the server; once every connection is closed the process
 * exits by itself, because nothing is left in the event loop. If something is left (a leak),
 * it does not exit, and a second signal forces it, listing what was still active. If the loop
 * drains while connections never finished closing, it says so and exits 2.
 */
import inspector from 'node:inspector'
import pino from 'pino'
import { createChatServer, type ChatServer } from '../../server/src/chat-server.js'
import { attachLifecycleLog } from '../../server/src/lifecycle-log.js'
import { EXIT_CLEAN, EXIT_ERROR, exitForError, type ExitCode } from './exit-codes.js'
import { parseServerArgs, type ServerCliOptions } from './server-options.js'

/** The stats accessor of docs/architecture.md, read by the diagnosis over the inspector. */
export const STATS_KEY = Symbol.for('soakwatch.stats')

let stdoutGone = false

/**
 * Prints a human line on stdout. Whoever reads stdout may stop (`npm run server | head -1`,
 * a harness that only waited for readiness): EPIPE then means "stop printing", not a crash.
 */
function say (line: string): void {
  if (stdoutGone) return
  if (process.stdout.listenerCount('error') === 0) {
    process.stdout.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') throw err
      stdoutGone = true
    })
  }
  process.stdout.write(line + '\n')
}

function fail (err: unknown): ExitCode {
  const { code, reason } = exitForError(err)
  const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : ''
  // One line, so that it cannot be confused with the NDJSON log on the same stream.
  process.stderr.write(`soakwatch server: ${`${reason}${cause}`.replace(/\s*\n\s*/g, ' ')}\n`)
  return code
}

function hostPort (host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`
}

/** `Timeout×3, TCPSocketWrap×2`: what keeps the event loop alive. */
function activeResources (): string {
  const counts = new Map<string, number>()
  for (const type of process.getActiveResourcesInfo()) counts.set(type, (counts.get(type) ?? 0) + 1)
  return [...counts].map(([type, n]) => `${type}×${n}`).join(', ') || 'nothing'
}

function build (o: ServerCliOptions): ChatServer {
  return createChatServer({
    host: o.host,
    port: o.port,
    maxLineBytes: o.maxLine,
    sendQueueBytes: o.sendq,
    slowClient: o.slowClient,
    pingIntervalMs: Math.round(o.pingInterval * 1000),
    pingTimeoutMs: Math.round(o.pingTimeout * 1000),
    flushIntervalMs: o.flushInterval,
    leaks: o.leak
  })
}

/**
 * Runs the server until it has been shut down by a signal.
 * @returns the exit code: 0 after a graceful shutdown; 2 on bad arguments, a failed start or
 *   a shutdown that could not complete
 */
export async function runServer (argv: readonly string[]): Promise<ExitCode> {
  let o: ServerCliOptions
  let server: ChatServer
  try {
    const command = parseServerArgs(argv)
    if (command.kind === 'help') {
      say(command.text)
      return EXIT_CLEAN
    }
    o = command.options
    server = build(o)
  } catch (err) {
    return fail(err)
  }

  const logger = pino({ base: { pid: process.pid } }, pino.destination({ dest: o.log === '-' ? 2 : o.log, sync: false, mkdir: true, append: true }))
  const detachLog = attachLifecycleLog(server, logger)
  const stats = (): ReturnType<ChatServer['stats']> => server.stats()
  Object.assign(globalThis, { [STATS_KEY]: stats })
  const unpublish = (): void => { Reflect.deleteProperty(globalThis, STATS_KEY) }

  try {
    if (o.inspect !== undefined) {
      inspector.open(o.inspect.port, o.inspect.host, false)
      say(`devtools ${inspector.url() ?? ''}`)
    }
    const address = await server.listen()
    say(`listening ${hostPort(address.host, address.port)}`)
  } catch (err) {
    detachLog()
    unpublish()
    if (o.inspect !== undefined) inspector.close()
    return fail(err)
  }

  const complete = await new Promise<boolean>(resolve => {
    let signalled = false
    const onSignal = (signal: NodeJS.Signals): void => {
      if (signalled) {
        say(`forced exit on second ${signal}; still active: ${activeResources()}`)
        logger.flush()
        process.exit(EXIT_ERROR)
      }
      signalled = true
      say(`shutting down on ${signal}`)
      void server.close().then(() => resolve(true))
      // The loop can drain while close() still waits on connections that will never close:
      // a half-open socket nobody reads from is not an active handle. Say so, do not hang.
      process.once('beforeExit', () => resolve(false))
    }
    // Signal listeners do not keep the loop alive, so they can stay for a second signal.
    process.on('SIGINT', onSignal)
    process.on('SIGTERM', onSignal)
  })
  if (!complete) {
    say(`shutdown incomplete: ${server.stats().connectionsOpen} connection(s) never finished closing`)
    return EXIT_ERROR
  }
  detachLog()
  unpublish()
  if (o.inspect !== undefined) inspector.close()
  say('closed')
  return EXIT_CLEAN
}

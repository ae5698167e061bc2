/**
 * `npm run soak`: parses the command line, checks the output folders before anything starts,
 * runs the soak orchestrator with live progress on stderr, then prints the tables on stdout,
 * writes report.json, report.md (and JUnit) and returns the exit code with a one-line reason.
 *
 * SIGINT, SIGTERM, SIGHUP (Ctrl-C, a CI job cancelled, a closed terminal): the first stops the
 * load, takes the final inventory if the target lives and still writes the (partial) report,
 * exit 130; a second one kills the target's process tree and exits at once. Whatever ends this
 * process otherwise (an uncaught error), its `exit` handler SIGKILLs the target's tree: no
 * server is left behind. Only SIGKILL of soakwatch itself cannot be caught.
 */
import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ConfigInvalidError } from '../../diagnosis/src/errors.js'
import { applyOverrides, defaultVerdictConfig, parseVerdictConfig } from '../../diagnosis/src/verdict-config.js'
import type { VerdictConfig } from '../../diagnosis/src/verdict-config.js'
import { buildReport } from '../../soak/src/report-model.js'
import type { SoakReport } from '../../soak/src/report-model.js'
import { Soak } from '../../soak/src/soak.js'
import type { SoakEvents } from '../../soak/src/soak-events.js'
import { SOAK_DEFAULTS } from '../../soak/src/soak-options.js'
import type { SoakOptions } from '../../soak/src/soak-options.js'
import type { LoadSpec } from '../../load/src/load-spec.js'
import { CliUsageError, NotBuiltError } from './errors.js'
import { EXIT_CLEAN, EXIT_INTERRUPTED, exitCodeForOutcome, exitForError } from './exit-codes.js'
import type { ExitCode } from './exit-codes.js'
import { attachDriverProgress } from './load-progress.js'
import type { ProgressStream } from './load-progress.js'
import { prepareRunFolders, writeOutputFile } from './output-files.js'
import { renderConsoleReport } from './render-console.js'
import { renderJunitReport } from './render-junit.js'
import { renderMarkdownReport } from './render-markdown.js'
import { formatBytes } from './render-heap-comparison.js'
import { formatMs, headline } from './report-sections.js'
import { parseSoakArgs, resolveHttpFiles, soakHelp } from './soak-options.js'
import type { SoakCommandOptions } from './soak-options.js'

export interface SoakIo {
  stdout: ProgressStream
  stderr: ProgressStream
  /** Where SIGINT, SIGTERM, SIGHUP and exit are listened for (the process, in production). */
  signals: Pick<NodeJS.Process, 'on' | 'off' | 'once' | 'exit'>
  cwd: string
  now: () => Date
}

/** The default config file, read from the working directory when present. */
export const CONFIG_FILE = 'soakwatch.config.json'

/** Runs the command; never throws, never exits (except on a second SIGINT). */
export async function runSoak (argv: readonly string[], io: SoakIo): Promise<ExitCode> {
  let o: SoakCommandOptions
  let soak: Soak
  let files: { report: string, markdown: string, junit: string | null }
  try {
    const command = parseSoakArgs(argv)
    if (command.kind === 'help') {
      io.stdout.write(await soakHelp() + '\n')
      return EXIT_CLEAN
    }
    o = command.options
    const runId = o.runId ?? defaultRunId(io.now())
    const verdict = await verdictConfig(o, io.cwd)
    // Before any load: an unwritable folder fails now, not after a ten-minute soak.
    const folders = await prepareRunFolders(resolve(io.cwd, o.out), runId)
    files = {
      report: join(folders.reports, 'report.json'),
      markdown: join(folders.reports, 'report.md'),
      junit: o.junit === undefined ? null : o.junit === '' ? join(folders.reports, 'junit.xml') : resolve(io.cwd, o.junit)
    }
    const load = await readHttpFiles(o.load, o.httpFiles, io.cwd)
    soak = new Soak(soakOptions(o, load, runId, folders.profiles, verdict))
  } catch (err) {
    return fail(io, err)
  }

  const detachProgress = attachSoakProgress(soak, io.stderr)
  const controller = new AbortController()
  const onExit = (): void => { soak.killTarget() }
  const onSecondSigint = (): void => {
    soak.killTarget()
    io.signals.exit(EXIT_INTERRUPTED)
  }
  const onSignal = (signal: NodeJS.Signals): void => {
    io.stderr.write(`\n${signal}: stopping the load, then the final inventory and a partial report; Ctrl-C again to exit at once\n`)
    for (const s of STOP_SIGNALS) {
      io.signals.off(s, onSignal)
      io.signals.once(s, onSecondSigint)
    }
    controller.abort(signal)
  }
  for (const s of STOP_SIGNALS) io.signals.on(s, onSignal)
  io.signals.on('exit', onExit)
  let report: SoakReport
  try {
    const observations = await soak.run(controller.signal)
    observations.files = { ...observations.files, ...files }
    report = buildReport(observations)
  } catch (err) {
    return fail(io, err)
  } finally {
    for (const s of STOP_SIGNALS) {
      io.signals.off(s, onSignal)
      io.signals.off(s, onSecondSigint)
    }
    io.signals.off('exit', onExit)
    detachProgress()
  }

  io.stdout.write(renderConsoleReport(report, { root: io.cwd, color: io.stdout.isTTY === true }))
  try {
    await writeOutputFile(files.report, `${JSON.stringify(report, null, 2)}\n`)
    await writeOutputFile(files.markdown, renderMarkdownReport(report, { root: io.cwd }))
    if (files.junit !== null) await writeOutputFile(files.junit, renderJunitReport(report))
  } catch (err) {
    return fail(io, err)
  }
  const code = report.interruption !== null ? EXIT_INTERRUPTED : exitCodeForOutcome(report.outcome)
  io.stdout.write(`exit ${code}: ${code === EXIT_INTERRUPTED ? `interrupted (${report.interruption ?? ''}); the report covers what ran until then` : headline(report)}\n`)
  return code
}

/** The signals that stop a soak gracefully the first time, at once the second. */
const STOP_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP']

/**
 * Reads the files an HTTP load names, relative to `cwd`.
 * @throws {CliUsageError} for a file that cannot be read, or requests that are not JSON
 */
async function readHttpFiles (spec: LoadSpec, files: SoakCommandOptions['httpFiles'], cwd: string): Promise<LoadSpec> {
  const read = async (flag: string, path: string): Promise<string> => {
    try {
      return await readFile(resolve(cwd, path), 'utf8')
    } catch (err) {
      throw new CliUsageError({ command: 'soak', problem: `${flag} ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}` })
    }
  }
  const contents: { requests?: unknown, body?: string } = {}
  if (files.requests !== undefined) {
    const text = await read('--requests', files.requests)
    try {
      contents.requests = JSON.parse(text)
    } catch (err) {
      throw new CliUsageError({ command: 'soak', problem: `--requests ${files.requests} is not JSON: ${(err as Error).message}` })
    }
  }
  if (files.body !== undefined) contents.body = await read('--body-file', files.body)
  return resolveHttpFiles(spec, contents)
}

/** `2025-01-31T12-00-00`: sortable, and a valid folder name everywhere. */
export function defaultRunId (date: Date): string {
  return date.toISOString().slice(0, 19).replace(/:/g, '-')
}

/**
 * The built files a soak needs, found from this module whether it runs built or from source.
 * @throws {NotBuiltError} when `npm run build` has not run
 */
export function builtPaths (): SoakOptions['paths'] {
  let dir = dirname(fileURLToPath(import.meta.url))
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir)
  const paths = { hooks: join(dir, 'dist/diagnosis/src/hooks/preload.js'), serverScript: join(dir, 'dist/scripts/server.js') }
  for (const path of Object.values(paths)) if (!existsSync(path)) throw new NotBuiltError(path)
  return paths
}

function soakOptions (o: SoakCommandOptions, load: LoadSpec, runId: string, profilesDir: string, verdict: VerdictConfig): SoakOptions {
  return {
    target: o.target,
    host: o.host,
    load,
    rounds: o.rounds,
    runId,
    profilesDir,
    heapSnapshots: o.heapSnapshots,
    cpuProfile: o.cpuProfile,
    heapProfile: o.heapProfile,
    settle: { timeoutMs: o.settleTimeoutMs },
    verdict,
    lifecycleLog: o.lifecycleLog ?? null,
    paths: builtPaths(),
    readyTimeoutMs: o.readyTimeoutMs,
    stopGraceMs: SOAK_DEFAULTS.stopGraceMs,
    heapTimeoutMs: o.heapTimeoutMs
  }
}

/**
 * The config file (explicit, or ./soakwatch.config.json when present) with the flags on top.
 * @throws {ConfigInvalidError} for a missing explicit file, invalid JSON or an invalid config
 */
async function verdictConfig (o: SoakCommandOptions, cwd: string): Promise<VerdictConfig> {
  const path = resolve(cwd, o.config ?? CONFIG_FILE)
  let config = defaultVerdictConfig()
  if (o.config !== undefined || existsSync(path)) {
    let text: string
    try {
      text = await readFile(path, 'utf8')
    } catch (err) {
      throw new ConfigInvalidError({ source: path, problem: (err as NodeJS.ErrnoException).code ?? String(err) }, { cause: err })
    }
    let value: unknown
    try {
      value = JSON.parse(text)
    } catch (err) {
      throw new ConfigInvalidError({ source: path, problem: `not JSON: ${(err as Error).message}` }, { cause: err })
    }
    config = parseVerdictConfig(value, path)
  }
  return applyOverrides(config, o.overrides)
}

/** Draws the soak's progress on `out`: phases, each round's live load line, captures, warnings. Returns a function that stops drawing. */
export function attachSoakProgress (soak: Soak, out: ProgressStream): () => void {
  let detachLoad: (() => void) | undefined
  const say = (line: string): void => { out.write(`[soak] ${line}\n`) }
  const listeners: { [E in keyof SoakEvents]?: (...args: SoakEvents[E]) => void } = {
    phase: (p) => {
      if (p.name === 'load') return // the load's own progress says more
      say(p.round !== null && p.round > 0 ? `round ${p.round}: ${p.name}` : p.name)
    },
    'target-ready': (t) => {
      const served = t.processes.length === 1 && t.processes[0]?.pid === t.pid
        ? ''
        : `; diagnosing ${t.processes.map((p) => `${p.role === 'worker' ? 'worker ' : ''}pid ${p.pid}`).join(', ')}`
      say(`target ${t.mode}${t.pid === null ? '' : ` pid ${t.pid}`} serving ${t.host}:${t.port}${served}; inspector ${t.devtoolsUrl} (chrome://inspect lists it while the soak runs)`)
    },
    'load-start': ({ round, driver }) => {
      detachLoad?.()
      const what = `${driver.clients} ${driver.protocol === 'irc' ? 'IRC clients' : 'HTTP connections'}`
      say(round === 0 ? `warm-up: ${what}` : `round ${round}: load of ${what}`)
      detachLoad = attachDriverProgress(driver, out)
    },
    'load-done': ({ round, summary: l }) => {
      const detail = l.irc !== null
        ? `sent ${l.irc.messagesSent}, delivered ${l.irc.delivered}/${l.irc.expected}, lost ${l.irc.lost}`
        : `requests ${l.operations.sent}, responses ${l.operations.completed} (${l.http?.s2xx ?? 0} 2xx), errors ${l.errorCount}`
      say(`round ${round}: ${detail}, p99 ${l.latencyMs.p99.toFixed(1)} ms`)
    },
    capture: (c) => { say(`${c.kind}: ${c.path} (${formatBytes(c.bytes)}, ${formatMs(c.ms)})`) },
    'heap-progress': (e) => {
      say(e.type === 'read' ? `heap: read ${e.phase} (${formatBytes(e.bytes)}) in ${formatMs(e.ms)}` : `heap: analysed in ${formatMs(e.ms)}`)
    },
    'target-exit': (e) => { if (!e.expected) say(`target exited unexpectedly (${e.signal ?? `code ${String(e.code)}`})`) },
    warning: (w) => { say(`warning: ${w}`) }
  }
  const entries = Object.entries(listeners) as Array<[keyof SoakEvents, (...args: unknown[]) => void]>
  for (const [event, listener] of entries) soak.on(event, listener)
  return () => {
    detachLoad?.()
    for (const [event, listener] of entries) soak.off(event, listener)
  }
}

/** A run that could not start (or report): one line on stderr, exit 2. */
function fail (io: SoakIo, err: unknown): ExitCode {
  const { code, reason } = exitForError(err)
  io.stderr.write(`soakwatch soak: exit ${code}: ${reason.split('\n')[0] ?? ''}\n`)
  return code
}

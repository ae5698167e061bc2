/**
 * `npm run loadgen`: parses the command line, runs the load engine with live progress, prints
 * the summary, writes the JSON result and returns the exit code. The first SIGINT stops the
 * clients (QUIT, bounded wait) and still prints the partial summary; a second one exits at once.
 */
import { writeFileSync } from 'node:fs'
import { createLoad } from '../../loadgen/src/create-load.js'
import type { LoadResult } from '../../loadgen/src/load-result.js'
import { parseLoadgenArgs, loadgenHelp } from './loadgen-options.js'
import { renderLoadSummary } from './render-load-summary.js'
import { attachLoadProgress } from './load-progress.js'
import type { ProgressStream } from './load-progress.js'
import { EXIT_CLEAN, EXIT_ERROR, EXIT_INTERRUPTED, exitForError } from './exit-codes.js'
import type { ExitCode } from './exit-codes.js'

export interface LoadgenIo {
  stdout: ProgressStream
  stderr: ProgressStream
  /** Where SIGINT is listened for (the process, in production). */
  signals: Pick<NodeJS.Process, 'once' | 'off' | 'exit'>
}

/** The exit code a finished run deserves. */
export function loadExitCode (r: LoadResult): ExitCode {
  if (r.outcome === 'complete') return EXIT_CLEAN
  if (r.outcome === 'stopped') return EXIT_INTERRUPTED
  // Target unreachable or lost, a worker failed: the run itself failed (see r.abort.code).
  return EXIT_ERROR
}

/** Runs the command; never throws, never exits (except on a second SIGINT). */
export async function runLoadgen (argv: readonly string[], io: LoadgenIo): Promise<ExitCode> {
  let parsed
  try {
    parsed = parseLoadgenArgs(argv)
    if (parsed.help) {
      io.stdout.write(await loadgenHelp() + '\n')
      return EXIT_CLEAN
    }
  } catch (err) {
    return fail(io, err)
  }
  // With --json -, stdout carries the JSON alone; people read stderr.
  const human = parsed.json === '-' ? io.stderr : io.stdout
  let engine
  try {
    engine = createLoad(parsed.load)
  } catch (err) {
    return fail(io, err)
  }
  const detach = attachLoadProgress(engine, io.stderr)
  const onSecondSigint = (): void => io.signals.exit(EXIT_INTERRUPTED)
  const onSigint = (): void => {
    io.stderr.write('\nSIGINT: stopping clients (QUIT); Ctrl-C again to exit at once\n')
    io.signals.once('SIGINT', onSecondSigint)
    engine.stop('SIGINT')
  }
  io.signals.once('SIGINT', onSigint)
  let result: LoadResult
  try {
    result = await engine.start()
  } catch (err) {
    return fail(io, err)
  } finally {
    io.signals.off('SIGINT', onSigint)
    io.signals.off('SIGINT', onSecondSigint)
    detach()
  }
  if (parsed.json !== undefined) {
    const text = JSON.stringify(result) + '\n'
    if (parsed.json === '-') io.stdout.write(text)
    else {
      try {
        writeFileSync(parsed.json, text)
      } catch (err) {
        io.stderr.write(`cannot write ${parsed.json}: ${(err as Error).message}\n`)
        human.write(renderLoadSummary(result))
        return EXIT_ERROR
      }
    }
  }
  human.write(renderLoadSummary(result))
  return loadExitCode(result)
}

function fail (io: LoadgenIo, err: unknown): ExitCode {
  const { code, reason } = exitForError(err)
  io.stderr.write(`error ${reason}\n`)
  return code
}

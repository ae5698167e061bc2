/**
 * The one place where outcomes become exit codes: 0 clean, 1 leak found, 2 inconclusive (the
 * load did not reach the target) or the harness, the target or the input failed, 130
 * interrupted by SIGINT. Every soakwatch error code is a failure of the run itself, never
 * a leak, so all of them map to 2; a leak is only ever reported through a verdict.
 */
import { SoakwatchError } from '../../common/src/define-error.js'

export const EXIT_CLEAN = 0
export const EXIT_LEAK = 1
export const EXIT_ERROR = 2
/** 128 + SIGINT, what shells report for Ctrl-C: an interrupted run never passes for a clean one. */
export const EXIT_INTERRUPTED = 130

export type ExitCode = typeof EXIT_CLEAN | typeof EXIT_LEAK | typeof EXIT_ERROR | typeof EXIT_INTERRUPTED

/** Exit code of a finished run. */
export function exitCodeForOutcome (outcome: 'clean' | 'leak' | 'inconclusive' | 'error'): ExitCode {
  return outcome === 'clean' ? EXIT_CLEAN : outcome === 'leak' ? EXIT_LEAK : EXIT_ERROR
}

/** Exit code and one-line reason for an error that ended a command. */
export function exitForError (err: unknown): { code: ExitCode, reason: string } {
  if (err instanceof SoakwatchError) return { code: EXIT_ERROR, reason: `${err.code}: ${err.message}` }
  // Not one of ours: a bug. Still one line on the console; the stack goes to the report.
  return { code: EXIT_ERROR, reason: `unexpected error: ${err instanceof Error ? err.message : String(err)}` }
}

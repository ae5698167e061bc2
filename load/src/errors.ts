/**
 * Errors of the load drivers. Every code is listed in docs/errors.md under "load"; the CLI maps
 * them to exit code 2. Per-request and per-connection failures are counted in a result's
 * `errors`, never thrown: a load survives them.
 */
import { defineError } from '../../common/src/define-error.js'

/** Results that cannot be merged (none, or of different protocols). */
export const LoadMergeError = defineError(
  'SW_LOAD_MERGE',
  'LoadMergeError',
  (problem: string) => `cannot merge load results: ${problem}`
)

/** A load option (of the HTTP load, or of the warm-up) is out of range. */
export const LoadOptionError = defineError(
  'SW_LOAD_INVALID_OPTION',
  'LoadOptionError',
  (d: { name: string, value: unknown, expected: string }) => `invalid load option ${d.name}=${JSON.stringify(d.value)}: expected ${d.expected}`
)

/** Every load error class, for the docs test. */
export const loadErrors = [LoadMergeError, LoadOptionError] as const

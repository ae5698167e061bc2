/**
 * Errors of the soak orchestrator. Every code is listed in docs/errors.md under "soak"; the
 * CLI maps all of them to exit code 2. Failures of the target, the inspector and the load
 * keep their own areas' codes (SW_DIAG_*, SW_LOADGEN_*): the soak passes them through.
 */
import { defineError } from '../../common/src/define-error.js'

/** A soak option is out of range or contradicts another. */
export const SoakInvalidOptionError = defineError(
  'SW_SOAK_INVALID_OPTION',
  'SoakInvalidOptionError',
  (d: { name: string, value: unknown, expected: string }) => `invalid soak option ${d.name}=${JSON.stringify(d.value)}: expected ${d.expected}`
)

/** The load of a round could not run at all (not one client connected), so nothing was measured. */
export const SoakLoadFailedError = defineError(
  'SW_SOAK_LOAD_FAILED',
  'SoakLoadFailedError',
  (d: { round: string, code: string, message: string }) => `the load of ${d.round} failed: ${d.code}: ${d.message}`
)

/** Every soak error class, for the docs test. */
export const soakErrors = [SoakInvalidOptionError, SoakLoadFailedError] as const

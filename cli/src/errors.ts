/**
 * Errors of the command-line edge. Every code is listed in docs/errors.md under "cli"; all
 * map to exit code 2.
 */
import { defineError } from '../../common/src/define-error.js'

export const OutputUnwritableError = defineError(
  'SW_CLI_OUTPUT_UNWRITABLE',
  'OutputUnwritableError',
  (d: { path: string, reason: string }) => `cannot write output to ${d.path}: ${d.reason}`
)

/** Every cli error class, for the docs test. */
export const cliErrors = [OutputUnwritableError] as const

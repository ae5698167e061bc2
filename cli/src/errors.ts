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

/** The command line does not parse, or an option value is invalid. */
export const CliUsageError = defineError(
  'SW_CLI_USAGE',
  'CliUsageError',
  (d: { command: string, problem: string }) => `${d.problem} (see: npm run ${d.command} -- --help)`
)

/** `--inspect` names a host that is not a loopback address. */
export const InspectHostError = defineError(
  'SW_CLI_INSPECT_NOT_LOOPBACK',
  'InspectHostError',
  (host: string) => `--inspect refuses non-loopback host ${JSON.stringify(host)}: the inspector gives full control of the process; use 127.0.0.1, ::1 or localhost`
)

/** A file the command needs from the build (`dist/`) is missing. */
export const NotBuiltError = defineError(
  'SW_CLI_NOT_BUILT',
  'NotBuiltError',
  (path: string) => `${path} is missing: run npm run build (npm install does it)`
)

/** Every cli error class, for the docs test. */
export const cliErrors = [OutputUnwritableError, CliUsageError, InspectHostError, NotBuiltError] as const

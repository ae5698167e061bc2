/**
 * Errors of the diagnosis runtime: target processes, the inspector session, inventories and
 * the verdict configuration. Every code is listed in docs/errors.md under "diagnosis"; the CLI
 * maps all of them to exit code 2 (harness, target or input error). Messages are one line and
 * name the offending value.
 */
import { defineError } from '../../common/src/define-error.js'

export const CommandInvalidError = defineError(
  'SW_DIAG_COMMAND_INVALID',
  'CommandInvalidError',
  (d: { command: string, problem: string }) => `invalid target command ${JSON.stringify(d.command)}: ${d.problem}`
)

export const TargetStartFailedError = defineError(
  'SW_DIAG_TARGET_START_FAILED',
  'TargetStartFailedError',
  (d: { command: string, reason: string }) => `cannot start target ${JSON.stringify(d.command)}: ${d.reason}`
)

export const TargetExitedError = defineError(
  'SW_DIAG_TARGET_EXITED',
  'TargetExitedError',
  (d: { command: string, code: number | null, signal: NodeJS.Signals | null, during: string, stderrTail: readonly string[] }) =>
    `target ${JSON.stringify(d.command)} exited (${d.signal ?? `code ${String(d.code)}`}) during ${d.during}` +
    tellingStderr(d.stderrTail)
)

/**
 * The stderr line that says why a process died, for a one-line error: the last line that
 * names an error (`Error: …`, `TypeError …`, `Uncaught …`), else the last line that is not
 * blank and not Node's `Node.js vX.Y.Z` trailer. The full tail goes to the report.
 */
export function tellingStderr (tail: readonly string[]): string {
  const lines = tail.filter((l) => l.trim() !== '' && !/^Node\.js v\d+\.\d+\.\d+$/.test(l.trim()))
  if (lines.length === 0) return '; no stderr output'
  const named = lines.findLast((l) => /^\s*(?:Uncaught\s+)?(?:[A-Z]\w*)?(?:Error|Exception)\b/.test(l))
  return `; stderr: ${JSON.stringify(named ?? lines[lines.length - 1])}`
}

export const TargetNotReadyError = defineError(
  'SW_DIAG_TARGET_NOT_READY',
  'TargetNotReadyError',
  (d: { command: string, waitedMs: number, missing: string }) =>
    `target ${JSON.stringify(d.command)} not ready after ${d.waitedMs} ms: no ${d.missing}`
)

/** The target's tree holds no hooked Node process that accepts the port's connections. */
export const TargetNotServedError = defineError(
  'SW_DIAG_TARGET_NOT_SERVED',
  'TargetNotServedError',
  (d: { command: string, address: string, seen: string }) =>
    `no Node process started by ${JSON.stringify(d.command)} serves ${d.address}: ${d.seen}`
)

export const InspectorUrlInvalidError = defineError(
  'SW_DIAG_INSPECTOR_URL_INVALID',
  'InspectorUrlInvalidError',
  (url: string) => `not a DevTools WebSocket URL (expected ws://HOST:PORT/ID): ${JSON.stringify(url)}`
)

export const InspectorNotLoopbackError = defineError(
  'SW_DIAG_INSPECTOR_NOT_LOOPBACK',
  'InspectorNotLoopbackError',
  (url: string) => `refusing a DevTools URL off loopback (an inspector grants code execution): ${url}`
)

export const InspectorUnreachableError = defineError(
  'SW_DIAG_INSPECTOR_UNREACHABLE',
  'InspectorUnreachableError',
  (d: { url: string, reason: string }) => `inspector unreachable at ${d.url}: ${d.reason}`
)

export const TargetGoneError = defineError(
  'SW_DIAG_TARGET_GONE',
  'TargetGoneError',
  (operation: string) => `target went away (inspector connection closed) during ${operation}`
)

export const InspectorProtocolError = defineError(
  'SW_DIAG_PROTOCOL_ERROR',
  'InspectorProtocolError',
  (d: { operation: string, message: string }) => `the target refused ${d.operation}: ${d.message}`
)

export const EvaluateFailedError = defineError(
  'SW_DIAG_EVALUATE_FAILED',
  'EvaluateFailedError',
  (d: { expression: string, description: string }) =>
    `evaluation threw in the target: ${d.description.split('\n')[0] ?? ''} (expression: ${d.expression.slice(0, 120)})`
)

export const HooksMissingError = defineError(
  'SW_DIAG_HOOKS_MISSING',
  'HooksMissingError',
  (url: string) => `the target at ${url} has no soakwatch hooks (start it with NODE_OPTIONS="--import <dist/diagnosis/src/hooks/preload.js>")`
)

export const InventoryInvalidError = defineError(
  'SW_DIAG_INVENTORY_INVALID',
  'InventoryInvalidError',
  (problem: string) => `invalid inventory: ${problem}`
)

export const InventoryMismatchError = defineError(
  'SW_DIAG_INVENTORY_MISMATCH',
  'InventoryMismatchError',
  (d: { baselinePid: number, endPid: number }) =>
    `inventories come from different processes (pid ${d.baselinePid} vs ${d.endPid}); async ids are only comparable within one process`
)

export const CaptureFailedError = defineError(
  'SW_DIAG_CAPTURE_FAILED',
  'CaptureFailedError',
  (d: { what: string, path: string, reason: string }) => `${d.what} capture to ${d.path} failed: ${d.reason}`
)

export const ConfigInvalidError = defineError(
  'SW_DIAG_CONFIG_INVALID',
  'ConfigInvalidError',
  (d: { source: string, problem: string }) => `invalid verdict configuration in ${d.source}: ${d.problem}`
)

/** Every diagnosis error class, for the docs test and the CLI's exit-code map. */
export const diagnosisErrors = [
  CommandInvalidError, TargetStartFailedError, TargetExitedError, TargetNotReadyError, TargetNotServedError,
  InspectorUrlInvalidError, InspectorNotLoopbackError, InspectorUnreachableError, TargetGoneError,
  InspectorProtocolError, EvaluateFailedError, HooksMissingError, InventoryInvalidError,
  InventoryMismatchError, CaptureFailedError, ConfigInvalidError
] as const

// The heap analysis keeps its own vocabulary in diagnosis/src/heap/errors.ts; re-exported so
// that this file stays the area's one list of error classes (docs and uniqueness tests).
export * from './heap/errors.js'

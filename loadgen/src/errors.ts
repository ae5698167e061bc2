/**
 * Every error the loadgen throws on purpose, built from the one factory so codes cannot drift.
 * Each code is listed in docs/errors.md under "loadgen" (a test checks it).
 *
 * Per-connection failures (refused, reset, timeouts, server numerics) are *not* thrown: they are
 * counted by kind in `LoadResult.errors`, because a load run must survive them. These classes are
 * for conditions that make the run itself invalid or partial.
 */
import { defineError } from '../../common/src/define-error.js'

/** An option is out of range or inconsistent with another. */
export const InvalidLoadOptionError = defineError(
  'SW_LOADGEN_INVALID_OPTION',
  'InvalidLoadOptionError',
  (d: { name: string, value: unknown, expected: string }) => `invalid loadgen option ${d.name}=${JSON.stringify(d.value)}: expected ${d.expected}`
)

/** The process cannot hold as many sockets as it was asked to open, and could not raise its limit. */
export const FdLimitError = defineError(
  'SW_LOADGEN_FD_LIMIT',
  'FdLimitError',
  (d: { needed: number, soft: number, hard: number, why: string }) =>
    `need ${d.needed} file descriptors but the limit is ${d.soft} (hard ${d.hard}); ${d.why}`
)

/** More connections per source address than the kernel has ephemeral ports. */
export const EphemeralPortsError = defineError(
  'SW_LOADGEN_EPHEMERAL_PORTS',
  'EphemeralPortsError',
  (d: { perAddress: number, available: number, addresses: number }) =>
    `${d.perAddress} connections per source address exceed the ${d.available} ephemeral ports ` +
    `(${d.addresses} source address(es)); add --source-addresses, e.g. 127.0.0.2-127.0.0.9`
)

/** Not one connection to the target succeeded. */
export const TargetUnreachableError = defineError(
  'SW_LOADGEN_TARGET_UNREACHABLE',
  'TargetUnreachableError',
  (d: { target: string, cause: string }) => `target ${d.target} is unreachable: ${d.cause}`
)

/** The target closed or reset every live connection before the run finished (it died mid-run). */
export const TargetLostError = defineError(
  'SW_LOADGEN_TARGET_LOST',
  'TargetLostError',
  (d: { target: string, phase: string, lost: number, cause: string }) =>
    `target ${d.target} dropped all ${d.lost} live connection(s) during ${d.phase} (${d.cause}); results are partial`
)

/** A worker process exited or crashed without sending its result. */
export const WorkerFailedError = defineError(
  'SW_LOADGEN_WORKER_FAILED',
  'WorkerFailedError',
  (d: { worker: number, pid: number | undefined, why: string }) => `loadgen worker ${d.worker} (pid ${d.pid ?? '?'}) failed: ${d.why}`
)

/** A JSON load result has the wrong format or an unsupported version. */
export const LoadResultFormatError = defineError(
  'SW_LOADGEN_RESULT_FORMAT',
  'LoadResultFormatError',
  (d: { field: string, value: unknown, expected: string }) =>
    `not a mergeable load result: ${d.field}=${JSON.stringify(d.value)}, expected ${d.expected}`
)

/** `start()` was called on an engine that has already started. */
export const AlreadyStartedError = defineError(
  'SW_LOADGEN_ALREADY_STARTED',
  'AlreadyStartedError',
  (d: { state: string }) => `load engine already started (state: ${d.state}); create a new one per run`
)

/** Codes of every loadgen error, for the docs check and for the CLI's exit-code map. */
export const LOADGEN_ERROR_CODES = [
  InvalidLoadOptionError.code,
  FdLimitError.code,
  EphemeralPortsError.code,
  TargetUnreachableError.code,
  TargetLostError.code,
  WorkerFailedError.code,
  LoadResultFormatError.code,
  AlreadyStartedError.code
] as const

export type LoadgenErrorCode = typeof LOADGEN_ERROR_CODES[number]

/**
 * Errors of the heap-snapshot analysis (diagnosis/src/heap). Every code is listed in
 * docs/errors.md under "diagnosis/heap"; the CLI maps all of them to exit code 2.
 * Messages are one line and name the offending value (file, byte offset, field).
 */
import { defineError } from '../../../common/src/define-error.js'

/** Where in the input a problem was found; `source` is a file path or a caller-given label. */
export interface InputPosition {
  source: string
  /** Byte offset from the start of the input. */
  offset: number
}

export const HeapNotASnapshotError = defineError(
  'SW_HEAP_NOT_A_SNAPSHOT',
  'HeapNotASnapshotError',
  (d: InputPosition & { found: string }) => `${d.source}: not a V8 heap snapshot (${d.found} at byte ${d.offset})`
)

export const HeapTruncatedError = defineError(
  'SW_HEAP_TRUNCATED',
  'HeapTruncatedError',
  (d: InputPosition & { inside: string }) => `${d.source}: heap snapshot is truncated (input ends inside ${d.inside} after ${d.offset} bytes)`
)

export const HeapCorruptError = defineError(
  'SW_HEAP_CORRUPT',
  'HeapCorruptError',
  (d: InputPosition & { problem: string }) => `${d.source}: corrupt heap snapshot at byte ${d.offset}: ${d.problem}`
)

export const HeapUnsupportedMetaError = defineError(
  'SW_HEAP_UNSUPPORTED_META',
  'HeapUnsupportedMetaError',
  (d: { source: string, problem: string }) => `${d.source}: unsupported heap snapshot layout: ${d.problem}`
)

export const HeapDifferentProcessError = defineError(
  'SW_HEAP_DIFFERENT_PROCESS',
  'HeapDifferentProcessError',
  (d: { baseline: string, other: string, mismatched: number, compared: number }) =>
    `${d.other} does not come from the same process as ${d.baseline}: ${d.mismatched} of ${d.compared} sampled object ids name different objects, so ids cannot be compared`
)

export const HeapOutOfOrderError = defineError(
  'SW_HEAP_OUT_OF_ORDER',
  'HeapOutOfOrderError',
  (d: { earlier: string, later: string, earlierMaxId: number, laterMaxId: number }) =>
    `${d.later} (highest object id ${d.laterMaxId}) was taken before ${d.earlier} (highest object id ${d.earlierMaxId}); pass snapshots oldest first`
)

export const HeapBudgetExceededError = defineError(
  'SW_HEAP_BUDGET_EXCEEDED',
  'HeapBudgetExceededError',
  (d: { phase: string, limit: string }) => `heap analysis gave up during ${d.phase}: budget of ${d.limit} exceeded`
)

export const HeapReadError = defineError(
  'SW_HEAP_READ_FAILED',
  'HeapReadError',
  (d: { path: string, reason: string }) => `cannot read heap snapshot ${d.path}: ${d.reason}`
)

export const HeapInvalidOptionsError = defineError(
  'SW_HEAP_INVALID_OPTIONS',
  'HeapInvalidOptionsError',
  (d: { option: string, value: unknown, expected: string }) => `invalid heap comparison option ${d.option}=${JSON.stringify(d.value)}: expected ${d.expected}`
)

/** Every error code this module throws, for the docs test and for exit-code mapping. */
export const HEAP_ERROR_CODES = [
  HeapNotASnapshotError.code,
  HeapTruncatedError.code,
  HeapCorruptError.code,
  HeapUnsupportedMetaError.code,
  HeapDifferentProcessError.code,
  HeapOutOfOrderError.code,
  HeapBudgetExceededError.code,
  HeapReadError.code,
  HeapInvalidOptionsError.code
] as const

export type HeapErrorCode = typeof HEAP_ERROR_CODES[number]

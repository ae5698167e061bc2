/**
 * The run's clock: microseconds since the run's epoch (an epoch-milliseconds instant chosen by
 * the process that starts the run and handed to its workers). performance.timeOrigin +
 * performance.now() is monotonic within a process and anchored to the wall clock, so processes
 * on one machine agree to well under a millisecond — which is what lets a worker measure the
 * latency of a message another worker sent.
 */

export interface RunClock {
  readonly epochMs: number
  /** Microseconds since the epoch, integer. */
  nowUs: () => number
  /** Epoch milliseconds of a clock reading. */
  toEpochMs: (us: number) => number
}

/** The current instant, epoch milliseconds with sub-millisecond precision. */
export function epochNowMs (): number {
  return performance.timeOrigin + performance.now()
}

/** A clock counting from `epochMs` (shared by every process of one run). */
export function createRunClock (epochMs: number): RunClock {
  const offsetMs = performance.timeOrigin - epochMs
  return {
    epochMs,
    nowUs: () => Math.round((offsetMs + performance.now()) * 1000),
    toEpochMs: us => epochMs + us / 1000
  }
}

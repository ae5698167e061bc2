/**
 * A budget for long scans over a snapshot (parse, graph passes). The core never reads a
 * clock by itself: the caller injects `now` (e.g. `performance.now`) with a deadline, or a
 * step limit, or both. Scans call `spend(phase, steps)` every few thousand steps; when the
 * budget runs out the scan stops with `SW_HEAP_BUDGET_EXCEEDED` instead of pinning a CPU
 * for an unbounded time on a pathological input.
 */
import { HeapBudgetExceededError, HeapInvalidOptionsError } from './errors.js'

export interface ScanBudgetOptions {
  /** Total steps allowed across all phases (a step is a byte parsed or a node/edge visited). */
  maxSteps?: number
  /** Milliseconds allowed from the budget's creation; needs `now`. */
  maxMs?: number
  /** Monotonic clock in milliseconds. */
  now?: () => number
}

export class ScanBudget {
  readonly #maxSteps: number
  readonly #deadline: number
  readonly #maxMs: number
  readonly #now: (() => number) | undefined
  #steps = 0

  /** @throws {HeapInvalidOptionsError} when maxMs is given without a clock, or a limit is not positive */
  constructor (options: ScanBudgetOptions = {}) {
    const { maxSteps = Infinity, maxMs = Infinity, now } = options
    if (!(maxSteps > 0)) throw new HeapInvalidOptionsError({ option: 'budget.maxSteps', value: maxSteps, expected: 'a positive number' })
    if (!(maxMs > 0)) throw new HeapInvalidOptionsError({ option: 'budget.maxMs', value: maxMs, expected: 'a positive number' })
    if (maxMs !== Infinity && now === undefined) throw new HeapInvalidOptionsError({ option: 'budget.now', value: undefined, expected: 'a clock when maxMs is set' })
    this.#maxSteps = maxSteps
    this.#maxMs = maxMs
    this.#now = now
    this.#deadline = now === undefined ? Infinity : now() + maxMs
  }

  /** Steps spent so far. */
  get steps (): number { return this.#steps }

  /**
   * Records `steps` of work in `phase`.
   * @throws {HeapBudgetExceededError} when the step limit or the deadline is passed
   */
  spend (phase: string, steps: number): void {
    this.#steps += steps
    if (this.#steps > this.#maxSteps) throw new HeapBudgetExceededError({ phase, limit: `${this.#maxSteps} steps` })
    if (this.#now !== undefined && this.#now() > this.#deadline) throw new HeapBudgetExceededError({ phase, limit: `${this.#maxMs} ms` })
  }
}

/** How many steps a scan performs between two `spend` calls: cheap enough, responsive enough. */
export const BUDGET_STRIDE = 1 << 16

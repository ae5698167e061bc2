/**
 * Batches socket writes per event-loop iteration. An Outbox registers here on the first
 * delivery of an iteration; one `setImmediate` flushes them all in the check phase, so each
 * socket gets one write(2) per iteration however many messages it was sent.
 *
 * Why setImmediate and not process.nextTick: the check phase runs after *every* I/O callback
 * of the poll phase, so a fan-out caused by many senders in the same iteration is coalesced
 * too; nextTick would flush after each sender's callback. The cost is latency bounded by the
 * rest of one poll phase (no timer wait). https://nodejs.org/en/learn/asynchronous-work/event-loop-timers-and-nexttick
 *
 * With a minimum interval (`flushIntervalMs` > 0), a flush run starts no sooner than that long
 * after the previous one: deliveries arriving in between wait for it, so that under sustained
 * load several lines share each write(2) — the kernel's cost of a write on loopback is most of
 * a delivery's cost at one line per write (docs/benchmarks.md). After a quiet spell the first
 * delivery is flushed in its own iteration as before, so light load pays no latency; at most a
 * delivery waits the interval. It is Nagle's idea with a bound of our choosing instead of the
 * peer's delayed ACK (~40 ms).
 *
 * The scheduler also joins each outbox's held deliveries into the one Buffer it writes
 * ({@link FlushScheduler.join}). In a fan-out, the members of a channel are sent the same
 * relayed Buffers in the same order, and they are flushed one after the other: the
 * concatenation made for the first is the right bytes for the next ones too, so it is made
 * once, not once per recipient. Relayed Buffers are never mutated (Member.deliver), so the
 * same Buffers in the same order always make the same bytes. The memo lives for one flush run
 * only: nothing outlives the run that wrote it.
 */

export interface Flushable {
  flush: () => void
}

export class FlushScheduler {
  readonly #minIntervalMs: number
  readonly #now: () => number
  #queue: Flushable[] = []
  #spare: Flushable[] = []
  #immediate: NodeJS.Immediate | undefined
  #timer: NodeJS.Timeout | undefined
  #lastRunMs = -Infinity
  #running = false
  /** The parts and result of the last join of this run. */
  #joinedParts: readonly Buffer[] | undefined
  #joined: Buffer | undefined

  /**
   * @param minIntervalMs - least time between the starts of two flush runs; 0: every iteration
   * @param now - the clock, in ms (injected by tests)
   */
  constructor (minIntervalMs = 0, now: () => number = () => performance.now()) {
    this.#minIntervalMs = minIntervalMs
    this.#now = now
  }

  /** Flushes `target` at the end of this loop iteration, or once the interval has passed. */
  schedule (target: Flushable): void {
    this.#queue.push(target)
    if (this.#immediate !== undefined || this.#timer !== undefined) return
    const wait = this.#minIntervalMs === 0 ? 0 : this.#lastRunMs + this.#minIntervalMs - this.#now()
    if (wait <= 0) this.#immediate = setImmediate(this.#run)
    else this.#timer = setTimeout(this.#run, wait)
  }

  /**
   * The concatenation of `parts` (`bytes` long in all). During a flush run it is shared with
   * the previous caller that joined the same Buffers in the same order; the caller must not
   * mutate `parts` afterwards (an outbox starts a new list after each write), nor the result.
   */
  join (parts: readonly Buffer[], bytes: number): Buffer {
    // Outside a run (an outbox writing early, at FLUSH_BYTES) nothing is kept.
    if (!this.#running) return Buffer.concat(parts as Buffer[], bytes)
    const last = this.#joinedParts
    if (last !== undefined && this.#joined !== undefined && last.length === parts.length && this.#joined.length === bytes) {
      let same = true
      for (let i = 0; i < parts.length; i++) {
        if (parts[i] !== last[i]) {
          same = false
          break
        }
      }
      if (same) return this.#joined
    }
    this.#joinedParts = parts
    this.#joined = Buffer.concat(parts as Buffer[], bytes)
    return this.#joined
  }

  readonly #run = (): void => {
    this.#immediate = undefined
    this.#timer = undefined
    this.#lastRunMs = this.#now()
    // Swap buffers: flushing may schedule again (a flush that writes can trigger more work).
    const queue = this.#queue
    this.#queue = this.#spare
    this.#running = true
    for (let i = 0; i < queue.length; i++) (queue[i] as Flushable).flush()
    this.#running = false
    queue.length = 0
    this.#spare = queue
    this.#joinedParts = undefined
    this.#joined = undefined
  }
}

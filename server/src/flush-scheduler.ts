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
 * The scheduler also joins each outbox's held deliveries into the one Buffer it writes
 * ({@link FlushScheduler.join}). In a fan-out, the members of a channel are sent the same
 * relayed Buffers in the same order during an iteration, and they are flushed one after the
 * other: the concatenation made for the first is the right bytes for the next ones too, so it
 * is made once, not once per recipient. Relayed Buffers are never mutated (Member.deliver), so
 * the same Buffers in the same order always make the same bytes. The memo lives for one flush
 * run only: nothing outlives the iteration that wrote it.
 */

export interface Flushable {
  flush: () => void
}

export class FlushScheduler {
  #queue: Flushable[] = []
  #spare: Flushable[] = []
  #immediate: NodeJS.Immediate | undefined
  /** The parts and result of the last join of this run. */
  #joinedParts: readonly Buffer[] | undefined
  #joined: Buffer | undefined

  /** Flushes `target` at the end of this loop iteration. */
  schedule (target: Flushable): void {
    this.#queue.push(target)
    this.#immediate ??= setImmediate(this.#run)
  }

  /**
   * The concatenation of `parts` (`bytes` long in all), shared with the previous caller of
   * this flush run when it joined the same Buffers in the same order. The caller must not
   * mutate `parts` afterwards (an outbox starts a new list after each write), nor the result.
   */
  join (parts: readonly Buffer[], bytes: number): Buffer {
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
    // An outbox writes early, outside a run, once it holds FLUSH_BYTES: make sure a run
    // follows to drop the memo, so that it never outlives this iteration.
    this.#immediate ??= setImmediate(this.#run)
    return this.#joined
  }

  readonly #run = (): void => {
    this.#immediate = undefined
    // Swap buffers: flushing may schedule again (a flush that writes can trigger more work).
    const queue = this.#queue
    this.#queue = this.#spare
    for (let i = 0; i < queue.length; i++) (queue[i] as Flushable).flush()
    queue.length = 0
    this.#spare = queue
    this.#joinedParts = undefined
    this.#joined = undefined
  }
}

/**
 * Batches socket writes per event-loop iteration. An Outbox registers here on the first
 * delivery of an iteration; one `setImmediate` flushes them all in the check phase, so each
 * socket gets one write(2) per iteration however many messages it was sent.
 *
 * Why setImmediate and not process.nextTick: the check phase runs after *every* I/O callback
 * of the poll phase, so a fan-out caused by many senders in the same iteration is coalesced
 * too; nextTick would flush after each sender's callback. The cost is latency bounded by the
 * rest of one poll phase (no timer wait). https://nodejs.org/en/learn/asynchronous-work/event-loop-timers-and-nexttick
 */

export interface Flushable {
  flush: () => void
}

export class FlushScheduler {
  #queue: Flushable[] = []
  #spare: Flushable[] = []
  #immediate: NodeJS.Immediate | undefined

  /** Flushes `target` at the end of this loop iteration. */
  schedule (target: Flushable): void {
    this.#queue.push(target)
    this.#immediate ??= setImmediate(this.#run)
  }

  readonly #run = (): void => {
    this.#immediate = undefined
    // Swap buffers: flushing may schedule again (a flush that writes can trigger more work).
    const queue = this.#queue
    this.#queue = this.#spare
    for (let i = 0; i < queue.length; i++) (queue[i] as Flushable).flush()
    queue.length = 0
    this.#spare = queue
  }
}

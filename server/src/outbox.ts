/**
 * One connection's send side: a bounded send queue and the per-iteration writer.
 *
 * Deliveries of one loop iteration are held in a list and written by the
 * {@link FlushScheduler} as one `socket.write` of their concatenation ("the writer"): one
 * write(2) per socket per iteration however many messages it was sent, and one pass through
 * Node's Writable machinery instead of one per delivery (cheaper than cork/uncork, which keeps
 * a record per chunk). A burst is written as soon as {@link FLUSH_BYTES} are held, so one 64 KiB
 * read relayed to a channel reaches the kernel at once and a client that does read is never
 * judged on bytes it could not yet have been sent (ngircd's WRITEBUFFER_FLUSH_LEN).
 *
 * The send queue is what the kernel has not accepted yet: Node's writable buffer
 * (`socket.writableLength`) plus the bytes held for this iteration. `push` refuses bytes that
 * would take it past `limit`, and the caller applies the slow-client policy.
 *
 * The writer stops when the peer is gone (EOF or socket error): there is nobody to write to.
 * `end` does not need the writer. `handoff` does, on purpose: it models an unbuffered channel
 * to a writer goroutine and exists for the `close-race` leak (see connection.ts).
 */
import type { Socket } from 'node:net'
import type { Flushable, FlushScheduler } from './flush-scheduler.js'

/** Held bytes that trigger an immediate write. */
export const FLUSH_BYTES = 16 * 1024

interface Handoff {
  bytes: Buffer | undefined
  taken: () => void
}

export class Outbox implements Flushable {
  /** Lines queued so far. */
  msgsOut = 0
  readonly #socket: Socket
  readonly #scheduler: FlushScheduler
  readonly #limit: number
  #held: Buffer[] = []
  #heldBytes = 0
  #scheduled = false
  #running = true
  #awaitingDrain = false
  #handoffs: Handoff[] = []

  constructor (socket: Socket, scheduler: FlushScheduler, limit: number) {
    this.#socket = socket
    this.#scheduler = scheduler
    this.#limit = limit
  }

  /**
   * Queues bytes for this iteration's write. Returns false, queuing nothing, when they would
   * take the send queue past its limit.
   */
  push (bytes: Buffer, lines: number): boolean {
    if (this.#socket.writableLength + this.#heldBytes + bytes.length > this.#limit) return false
    this.#held.push(bytes)
    this.#heldBytes += bytes.length
    this.msgsOut += lines
    if (this.#heldBytes >= FLUSH_BYTES) this.#writeHeld()
    else this.#schedule()
    return true
  }

  /** Called by the scheduler, once per iteration in which something was queued. */
  flush (): void {
    this.#scheduled = false
    if (!this.#running) return
    this.#writeHeld()
    if (this.#handoffs.length === 0) return
    // Like a writer goroutine blocked in conn.Write, the writer takes nothing more while the
    // kernel has not accepted what it already wrote (a backlogged client).
    if (this.#socket.writableLength > 0) {
      if (!this.#awaitingDrain) {
        this.#awaitingDrain = true
        this.#socket.once('drain', this.#drained)
      }
      return
    }
    const handoffs = this.#handoffs
    this.#handoffs = []
    for (const h of handoffs) {
      if (h.bytes !== undefined) this.#writeFinal(h.bytes)
      h.taken()
    }
  }

  /** The peer is gone; the writer takes nothing more. */
  stop (): void {
    this.#running = false
  }

  /**
   * Writes what is held and `goodbye` (allowed past the limit: one line), then sends FIN,
   * without waiting for the writer. A no-op on a socket already ended or destroyed.
   */
  end (goodbye: Buffer | undefined): void {
    this.#running = false
    const socket = this.#socket
    if (socket.destroyed || socket.writableEnded) return
    this.#writeHeld()
    if (goodbye !== undefined) this.#writeFinal(goodbye)
    socket.end()
  }

  /**
   * Hands `goodbye` to the writer like a send on an unbuffered Go channel: resolves once the
   * writer has taken (and written) it, at its next flush once the socket has drained. If the
   * writer has stopped, or stops before that, nobody ever takes it and the promise never
   * settles.
   */
  handoff (goodbye: Buffer | undefined): Promise<void> {
    return new Promise(resolve => {
      this.#handoffs.push({ bytes: goodbye, taken: resolve })
      this.#schedule()
    })
  }

  readonly #drained = (): void => {
    this.#awaitingDrain = false
    this.flush()
  }

  #schedule (): void {
    if (this.#scheduled) return
    this.#scheduled = true
    this.#scheduler.schedule(this)
  }

  #writeHeld (): void {
    const n = this.#held.length
    if (n === 0) return
    const socket = this.#socket
    if (!socket.destroyed && !socket.writableEnded) {
      // The list is replaced below, never mutated: the scheduler may keep it to compare.
      socket.write(n === 1 ? this.#held[0] as Buffer : this.#scheduler.join(this.#held, this.#heldBytes))
    }
    this.#held = []
    this.#heldBytes = 0
  }

  #writeFinal (bytes: Buffer): void {
    const socket = this.#socket
    if (socket.destroyed || socket.writableEnded) return
    socket.write(bytes)
    this.msgsOut++
  }
}

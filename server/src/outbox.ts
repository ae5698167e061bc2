/**
 * One connection's send side: a bounded send queue and the per-iteration writer.
 *
 * The queue is Node's own writable buffer (`socket.writableLength`, corked bytes included),
 * bounded by `limit`: `push` refuses bytes that would exceed it and the caller applies the
 * slow-client policy. Bytes are written into a corked socket and uncorked by the
 * {@link FlushScheduler} once per loop iteration ("the writer"), or as soon as
 * {@link FLUSH_BYTES} are corked: a burst (one 64 KiB read relayed to a channel) then reaches
 * the kernel at once, so a client that does read is never judged on bytes it could not yet
 * have been sent. ngircd does the same (WRITEBUFFER_FLUSH_LEN).
 *
 * The writer stops when the peer is gone (EOF or socket error): there is nobody to write to.
 * `end` does not need the writer. `handoff` does, on purpose: it models an unbuffered channel
 * to a writer goroutine and exists for the `close-race` leak (see connection.ts).
 */
import type { Socket } from 'node:net'
import type { Flushable, FlushScheduler } from './flush-scheduler.js'

/** Corked bytes that trigger an immediate flush. */
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
  #corked = false
  #corkedBytes = 0
  #running = true
  #awaitingDrain = false
  #handoffs: Handoff[] = []

  constructor (socket: Socket, scheduler: FlushScheduler, limit: number) {
    this.#socket = socket
    this.#scheduler = scheduler
    this.#limit = limit
  }

  /**
   * Queues bytes for this iteration's flush. Returns false, queuing nothing, when they would
   * push the queue past its limit.
   */
  push (bytes: Buffer, lines: number): boolean {
    const socket = this.#socket
    if (socket.writableLength + bytes.length > this.#limit) return false
    if (!this.#corked) this.#cork()
    socket.write(bytes)
    this.msgsOut += lines
    this.#corkedBytes += bytes.length
    if (this.#corkedBytes >= FLUSH_BYTES) this.#uncork()
    return true
  }

  /** Called by the scheduler, once per iteration in which something was queued. */
  flush (): void {
    if (!this.#running) return
    this.#uncork()
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
   * Writes `goodbye` (allowed past the limit: one line), flushes and sends FIN, without
   * waiting for the writer. A no-op on a socket already ended or destroyed.
   */
  end (goodbye: Buffer | undefined): void {
    this.#running = false
    const socket = this.#socket
    if (socket.destroyed || socket.writableEnded) return
    if (goodbye !== undefined) this.#writeFinal(goodbye)
    this.#uncork()
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
      if (!this.#corked) this.#cork()
    })
  }

  readonly #drained = (): void => {
    this.#awaitingDrain = false
    this.flush()
  }

  #cork (): void {
    this.#corked = true
    this.#socket.cork()
    this.#scheduler.schedule(this)
  }

  #uncork (): void {
    if (!this.#corked) return
    this.#corked = false
    this.#corkedBytes = 0
    this.#socket.uncork()
  }

  #writeFinal (bytes: Buffer): void {
    const socket = this.#socket
    if (socket.destroyed || socket.writableEnded) return
    socket.write(bytes)
    this.msgsOut++
  }
}

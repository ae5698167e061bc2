/**
 * Per-connection keep-alive (RFC 2812 §3.7.2): a client silent for a whole interval is sent a
 * PING; if it then stays silent for the timeout, it is declared dead. Any line from the client
 * counts as life, not only PONG, as in ngircd and InspIRCd.
 *
 * Silence is detected with a flag reset by each tick rather than a timestamp per line, so the
 * hot path costs one store. A client is therefore pinged after between one and two intervals
 * of silence.
 */

export interface KeepAliveHandlers {
  ping: () => void
  timeout: () => void
}

export class KeepAlive {
  readonly #interval: NodeJS.Timeout
  readonly #timeoutMs: number
  readonly #handlers: KeepAliveHandlers
  #deadline: NodeJS.Timeout | undefined
  #active = true

  constructor (intervalMs: number, timeoutMs: number, handlers: KeepAliveHandlers) {
    this.#timeoutMs = timeoutMs
    this.#handlers = handlers
    this.#interval = setInterval(this.#tick, intervalMs)
  }

  /** The client said something. */
  touch (): void {
    this.#active = true
    if (this.#deadline !== undefined) {
      clearTimeout(this.#deadline)
      this.#deadline = undefined
    }
  }

  /** Clears both timers. */
  stop (): void {
    clearInterval(this.#interval)
    if (this.#deadline !== undefined) clearTimeout(this.#deadline)
    this.#deadline = undefined
  }

  readonly #tick = (): void => {
    if (this.#active) {
      this.#active = false
      return
    }
    if (this.#deadline !== undefined) return
    this.#deadline = setTimeout(this.#expire, this.#timeoutMs)
    this.#handlers.ping()
  }

  readonly #expire = (): void => {
    this.#deadline = undefined
    this.#handlers.timeout()
  }
}

/**
 * Splits a byte stream into IRC lines (RFC 2812 §2.3: CR LF; LF alone is accepted, as every
 * real server does). Memory is bounded: a line longer than `maxLineBytes` (CR LF included,
 * 512 in the RFC) is discarded up to its newline and reported once through `onOverflow`, so
 * input without a newline can never grow the buffer past `maxLineBytes`.
 *
 * Pure: no IO, no timers. Lines are delivered as latin1 strings (one char per octet).
 */

export interface LineSplitterHandlers {
  /** A complete line, without CR LF. May be empty. */
  onLine: (line: string) => void
  /** A line exceeded the limit; it is being discarded up to its newline. Called once per line. */
  onOverflow: () => void
}

const LF = 0x0a
const CR = 0x0d

export class LineSplitter {
  /** Longest content accepted, CR LF excluded. */
  readonly maxContent: number
  #pending: Buffer | undefined
  #discarding = false
  readonly #handlers: LineSplitterHandlers

  /** @throws {RangeError} when maxLineBytes < 3 */
  constructor (maxLineBytes: number, handlers: LineSplitterHandlers) {
    if (!Number.isInteger(maxLineBytes) || maxLineBytes < 3) throw new RangeError(`maxLineBytes must be an integer >= 3, got ${maxLineBytes}`)
    this.maxContent = maxLineBytes - 2
    this.#handlers = handlers
  }

  /** Bytes held waiting for a newline (never more than maxLineBytes). */
  get pendingBytes (): number {
    return this.#pending === undefined ? 0 : this.#pending.length
  }

  /** Feeds a chunk; calls the handlers synchronously for every line it completes. */
  push (chunk: Buffer): void {
    let start = 0
    const len = chunk.length
    while (start < len) {
      const nl = chunk.indexOf(LF, start)
      if (nl === -1) {
        this.#hold(chunk, start, len)
        return
      }
      if (this.#discarding) {
        this.#discarding = false
        start = nl + 1
        continue
      }
      let line: Buffer | undefined
      let end = nl
      if (this.#pending !== undefined) {
        line = Buffer.concat([this.#pending, chunk.subarray(start, nl)])
        this.#pending = undefined
        end = line.length
        if (end > 0 && line[end - 1] === CR) end--
      } else if (end > start && chunk[end - 1] === CR) {
        end--
      }
      const contentLength = line === undefined ? end - start : end
      if (contentLength > this.maxContent) {
        this.#handlers.onOverflow()
      } else {
        this.#handlers.onLine(line === undefined ? chunk.toString('latin1', start, end) : line.toString('latin1', 0, end))
      }
      start = nl + 1
    }
  }

  #hold (chunk: Buffer, start: number, end: number): void {
    if (this.#discarding) return
    const held = this.pendingBytes + (end - start)
    // +1: a CR may legitimately sit at the end of a maximal line, waiting for its LF.
    if (held > this.maxContent + 1) {
      this.#pending = undefined
      this.#discarding = true
      this.#handlers.onOverflow()
      return
    }
    const part = chunk.subarray(start, end)
    // Copy: the caller may reuse its buffer, and a subarray would pin the whole chunk.
    this.#pending = this.#pending === undefined ? Buffer.from(part) : Buffer.concat([this.#pending, part])
  }
}

/**
 * Splits a byte stream into IRC lines (RFC 2812 §2.3: CR LF; LF alone is accepted, as every
 * real server does). Memory is bounded: a line longer than `maxLineBytes` (CR LF included,
 * 512 in the RFC) is discarded up to its newline and reported once through `onOverflow`, so
 * input without a newline can never grow the buffer past `maxLineBytes`.
 *
 * Two ways to receive lines: `onLine` gets each as a latin1 string (one char per octet);
 * `onLineBytes` gets a range of a Buffer and no string is made, for readers that handle
 * millions of lines a second and look at most of them only byte by byte (the loadgen). The
 * range is valid only during the call: it points into the caller's chunk, which the caller
 * may reuse, or into the splitter's own buffer for a line that spanned chunks.
 *
 * Pure: no IO, no timers.
 */

export interface LineSplitterHandlers {
  /** A complete line, without CR LF. May be empty. */
  onLine: (line: string) => void
  /** A line exceeded the limit; it is being discarded up to its newline. Called once per line. */
  onOverflow: () => void
}

export interface ByteLineHandlers {
  /**
   * A complete line is `bytes[start, end)`, without CR LF; it may be empty. Read it during
   * the call only, and never write to `bytes`.
   */
  onLineBytes: (bytes: Buffer, start: number, end: number) => void
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
  readonly #onLine: ((line: string) => void) | undefined
  readonly #onLineBytes: ((bytes: Buffer, start: number, end: number) => void) | undefined
  readonly #onOverflow: () => void

  /** @throws {RangeError} when maxLineBytes < 3 */
  constructor (maxLineBytes: number, handlers: LineSplitterHandlers | ByteLineHandlers) {
    if (!Number.isInteger(maxLineBytes) || maxLineBytes < 3) throw new RangeError(`maxLineBytes must be an integer >= 3, got ${maxLineBytes}`)
    this.maxContent = maxLineBytes - 2
    if ('onLine' in handlers) this.#onLine = handlers.onLine
    else this.#onLineBytes = handlers.onLineBytes
    this.#onOverflow = handlers.onOverflow
  }

  /** Bytes held waiting for a newline (never more than maxLineBytes). */
  get pendingBytes (): number {
    return this.#pending === undefined ? 0 : this.#pending.length
  }

  /**
   * Feeds `chunk[0, length)` (the whole chunk by default); calls the handlers synchronously
   * for every line it completes. The chunk may be reused by the caller once this returns.
   */
  push (chunk: Buffer, length = chunk.length): void {
    let start = 0
    const len = Math.min(length, chunk.length)
    while (start < len) {
      // indexOf has no end bound: a newline found past `length` (stale bytes of a reused
      // buffer) is no newline of this chunk.
      let nl = chunk.indexOf(LF, start)
      if (nl >= len) nl = -1
      if (nl === -1) {
        this.#hold(chunk, start, len)
        return
      }
      if (this.#discarding) {
        this.#discarding = false
        start = nl + 1
        continue
      }
      let bytes = chunk
      let from = start
      let end = nl
      if (this.#pending !== undefined) {
        bytes = Buffer.concat([this.#pending, chunk.subarray(start, nl)])
        this.#pending = undefined
        from = 0
        end = bytes.length
      }
      if (end > from && bytes[end - 1] === CR) end--
      if (end - from > this.maxContent) this.#onOverflow()
      else if (this.#onLine !== undefined) this.#onLine(bytes.toString('latin1', from, end))
      else (this.#onLineBytes as (bytes: Buffer, start: number, end: number) => void)(bytes, from, end)
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
      this.#onOverflow()
      return
    }
    const part = chunk.subarray(start, end)
    // Copy: the caller may reuse its buffer, and a subarray would pin the whole chunk.
    this.#pending = this.#pending === undefined ? Buffer.from(part) : Buffer.concat([this.#pending, part])
  }
}

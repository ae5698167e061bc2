/**
 * The `strings` array of a snapshot, kept as the UTF-8 JSON text it was read from plus the
 * byte range of each string. Decoding happens on demand and is cached: an analysis reads a
 * few thousand names (constructors, properties on retainer paths) out of millions of
 * strings, and JS strings cost far more memory than their bytes.
 */

const BACKSLASH = 0x5c

export class StringTable {
  readonly #bytes: Uint8Array
  readonly #starts: Uint32Array
  readonly #ends: Uint32Array
  readonly #decoded: Array<string | undefined>
  readonly #decoder = new TextDecoder('utf-8')
  readonly length: number

  /**
   * @param bytes - JSON text holding the strings (escapes intact)
   * @param starts - byte offset of string i's first character (after its quote)
   * @param ends - byte offset of string i's closing quote
   */
  constructor (bytes: Uint8Array, starts: Uint32Array, ends: Uint32Array) {
    this.#bytes = bytes
    this.#starts = starts
    this.#ends = ends
    this.length = starts.length
    this.#decoded = new Array<string | undefined>(starts.length)
  }

  /** Builds a table from plain strings (tests, synthetic snapshots). */
  static from (strings: readonly string[]): StringTable {
    const encoder = new TextEncoder()
    const parts = strings.map((s) => encoder.encode(JSON.stringify(s)))
    const bytes = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
    const starts = new Uint32Array(parts.length)
    const ends = new Uint32Array(parts.length)
    let at = 0
    parts.forEach((p, i) => {
      bytes.set(p, at)
      starts[i] = at + 1
      ends[i] = at + p.length - 1
      at += p.length
    })
    return new StringTable(bytes, starts, ends)
  }

  /** Bytes held (text + offsets), for memory accounting. */
  get byteSize (): number { return this.#bytes.byteLength + this.#starts.byteLength + this.#ends.byteLength }

  /** String `index`, or '' when out of range. Throws SyntaxError on a malformed escape. */
  get (index: number): string {
    const cached = this.#decoded[index]
    if (cached !== undefined) return cached
    if (!(index >= 0 && index < this.length)) return ''
    const raw = this.#bytes.subarray(this.#starts[index], this.#ends[index])
    const text = this.#decoder.decode(raw)
    // Only escaped strings need JSON's rules (\n, \", \uD83D\uDE00); most have none.
    const value = raw.indexOf(BACKSLASH) === -1 ? text : JSON.parse(`"${text}"`) as string
    this.#decoded[index] = value
    return value
  }
}

/**
 * Streaming parser for V8 `.heapsnapshot` files.
 *
 * Contract: feed the file's bytes in chunks of any size with `push`, then call `finish` for the
 * `HeapSnapshot`. The result does not depend on where the chunks are cut (a property test
 * checks it), and the parser keeps no reference to a chunk after `push` returns, so a reader
 * may reuse its buffer.
 *
 * The whole file is never `JSON.parse`d: V8 strings stop at ~512 MiB and a parsed snapshot
 * costs several times its size in JS objects. Instead a byte-level state machine walks the
 * top-level object and writes `nodes` and `edges` straight into Uint32Arrays sized from the
 * header's `node_count`/`edge_count`; `strings` are kept as text (see string-table.ts).
 * Only the small `snapshot` header is captured and `JSON.parse`d. Keys this analysis does not
 * use (`trace_tree`, future additions) are skipped without being stored.
 *
 * Format reference: V8 `HeapSnapshotJSONSerializer` (src/profiler/heap-snapshot-generator.cc):
 * `{"snapshot":{...},"nodes":[...],"edges":[...],"trace_function_infos":[...],
 * "trace_tree":[...],"samples":[...],"locations":[...],"strings":[...]}`.
 */
import { HeapCorruptError, HeapNotASnapshotError, HeapTruncatedError, HeapUnsupportedMetaError } from './errors.js'
import { EDGE_NAME, EDGE_STRIDE, EDGE_TO_MASK, EDGE_TYPE_SHIFT, EDGE_TYPE_TO, HeapSnapshot, NODE_NAME, NODE_STRIDE, type HeapSnapshotArrays } from './heap-snapshot.js'
import { EdgeSink, NodeSink, type RecordSink } from './record-sinks.js'
import { BUDGET_STRIDE, ScanBudget } from './scan-budget.js'
import { readSnapshotMeta, type HeapSnapshotMeta } from './snapshot-meta.js'
import { StringTable } from './string-table.js'

export interface HeapSnapshotParserOptions {
  /** File path or label used in error messages. */
  source?: string
  budget?: ScanBudget
  /**
   * Keep the edges (default). A light read (false) skips the `edges` array — two thirds of
   * the file — without parsing it: enough for ids, classes and counts, not for paths or sizes
   * that depend on the graph. The skipped array is not validated.
   */
  withEdges?: boolean
  /**
   * Total input size when known (a file's size). V8 writes `strings` last, so the rest of the
   * input sizes its buffer up front instead of growing it by doubling.
   */
  expectedBytes?: number
}

// Top-level states.
const ST_START = 0
const ST_KEY_OR_END = 1
const ST_KEY = 2
const ST_COLON = 3
const ST_VALUE = 4
const ST_SKIP = 5
const ST_NUMBERS = 6
const ST_STRINGS = 7
const ST_AFTER_VALUE = 8
const ST_DONE = 9
const ST_SKIP_NUMBERS = 10

// Inside a list: what may come next.
const WANT_OPEN = 0 // '['
const WANT_FIRST = 1 // a value or ']'
const WANT_VALUE = 2 // a value (after a comma)
const WANT_COMMA = 3 // ',' or ']'

const QUOTE = 0x22
const BACKSLASH = 0x5c
const COMMA = 0x2c
const COLON = 0x3a
const LBRACE = 0x7b
const RBRACE = 0x7d
const LBRACKET = 0x5b
const RBRACKET = 0x5d
const ZERO = 0x30

const MAX_KEY_BYTES = 256
/** Records staged before they are handed to a sink: small enough to stay in cache. */
const STAGED_RECORDS = 1 << 14
/** The header is a few KB; a larger one means this is not a snapshot we understand. */
const MAX_HEADER_BYTES = 1 << 20
const UINT32_MAX = 0xffffffff

const NUMBER_KEYS = new Set(['nodes', 'edges', 'locations'])

function isSpace (c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09
}

/** `closingQuote` results when the chunk ends inside the string. */
const OPEN = -1
const OPEN_ESCAPED = -2

/**
 * Finds the quote that closes a JSON string, scanning from `i`; `escaped` says whether the
 * previous chunk ended on a backslash. Returns the quote's index, or OPEN / OPEN_ESCAPED.
 */
function closingQuote (chunk: Uint8Array, i: number, len: number, escaped: boolean): number {
  if (escaped && i < len) i++
  else if (escaped) return OPEN_ESCAPED
  for (; i < len; i++) {
    const c = chunk[i]!
    if (c === QUOTE) return i
    if (c === BACKSLASH) {
      if (++i === len) return OPEN_ESCAPED
    }
  }
  return OPEN
}

function describeByte (c: number): string {
  return c >= 0x20 && c < 0x7f ? JSON.stringify(String.fromCharCode(c)) : `byte 0x${c.toString(16).padStart(2, '0')}`
}

/** Where a number list stands between two chunks. */
interface NumberState {
  /** Values stored so far. */
  n: number
  /** The number being read (its digits may continue in the next chunk). */
  acc: number
  hasDigits: boolean
  /** Whitespace followed the digits: another digit would be an error. */
  tokenEnded: boolean
  want: number
}

/**
 * The hot loop: reads digit runs and commas into `values` from `i` and returns at the first
 * byte it does not handle (']', a full array, anything invalid) or at `len`. The digit run
 * is a tight inner loop, so the unpredictable branch that ends a number is taken once per
 * number; about 4-8 ns per byte on a 2023 Xeon, i.e. most of the parse (see bench/heap).
 */
function scanIntegers (chunk: Uint8Array, i: number, len: number, values: Uint32Array, st: NumberState): number {
  let n = st.n
  let acc = st.acc
  let hasDigits = st.hasDigits
  let tokenEnded = st.tokenEnded
  let want = st.want
  const cap = values.length
  while (i < len) {
    let c = chunk[i]!
    let d = c - ZERO
    if ((d >>> 0) < 10) {
      if (tokenEnded) break
      hasDigits = true
      do {
        acc = acc * 10 + d
        if (++i === len) break
        c = chunk[i]!
        d = c - ZERO
      } while ((d >>> 0) < 10)
      continue
    }
    if (c === COMMA) {
      if (!hasDigits || n === cap || acc > UINT32_MAX) break
      values[n++] = acc
      acc = 0
      hasDigits = false
      tokenEnded = false
      want = WANT_VALUE
      i++
      continue
    }
    if (isSpace(c)) {
      if (hasDigits) tokenEnded = true
      i++
      continue
    }
    break
  }
  st.n = n
  st.acc = acc
  st.hasDigits = hasDigits
  st.tokenEnded = tokenEnded
  st.want = want
  return i
}

/** A byte buffer that doubles when full. */
class ByteBuilder {
  bytes: Uint8Array
  length = 0
  constructor (capacity: number) { this.bytes = new Uint8Array(capacity) }
  reserve (extra: number): void {
    if (this.length + extra <= this.bytes.length) return
    let cap = this.bytes.length * 2
    while (cap < this.length + extra) cap *= 2
    const next = new Uint8Array(cap)
    next.set(this.bytes.subarray(0, this.length))
    this.bytes = next
  }

  append (chunk: Uint8Array, from: number, to: number): void {
    this.reserve(to - from)
    this.bytes.set(chunk.subarray(from, to), this.length)
    this.length += to - from
  }
}

/** A Uint32Array that doubles when full, or a fixed one when the header gave its size. */
class Uint32Builder {
  values: Uint32Array
  length = 0
  readonly fixed: boolean
  constructor (capacity: number, fixed: boolean) {
    this.values = new Uint32Array(Math.max(capacity, fixed ? 0 : 1024))
    this.fixed = fixed
  }

  /** Grows; returns false when the builder is fixed and full. */
  grow (): boolean {
    if (this.fixed) return false
    const next = new Uint32Array(this.values.length * 2)
    next.set(this.values)
    this.values = next
    return true
  }

  result (): Uint32Array { return this.length === this.values.length ? this.values : this.values.slice(0, this.length) }
}

export class HeapSnapshotParser {
  readonly #source: string
  readonly #budget: ScanBudget
  readonly #withEdges: boolean
  readonly #expectedBytes: number
  #state = ST_START
  /** Bytes consumed before the current chunk. */
  #offset = 0
  #sinceSpend = 0

  #key = ''
  #keyBytes: number[] = []
  #keyCount = 0
  #expectKey = false
  readonly #seen = new Set<string>()

  // Skipping (or capturing) a JSON value of unknown shape.
  #skipDepth = 0
  #skipStarted = false
  #capture: ByteBuilder | undefined

  // A list of non-negative integers: staged, then handed to a sink (nodes, edges) or kept.
  #numbers: Uint32Builder | undefined
  #sink: RecordSink | undefined
  #nodeSink: NodeSink | undefined
  #edgeSink: EdgeSink | undefined
  readonly #numberState: NumberState = { n: 0, acc: 0, hasDigits: false, tokenEnded: false, want: WANT_OPEN }
  #want = WANT_OPEN

  // The strings list.
  #text: ByteBuilder | undefined
  #starts: Uint32Builder | undefined
  #ends: Uint32Builder | undefined
  #inString = false
  #escape = false

  #meta: HeapSnapshotMeta | undefined
  readonly #arrays = new Map<string, Uint32Array>()

  constructor (options: HeapSnapshotParserOptions = {}) {
    this.#source = options.source ?? '<input>'
    this.#budget = options.budget ?? new ScanBudget()
    this.#withEdges = options.withEdges ?? true
    this.#expectedBytes = options.expectedBytes ?? 0
  }

  /** Bytes consumed so far. */
  get bytesRead (): number { return this.#offset }

  /**
   * Feeds the next chunk of the file.
   * @throws {HeapNotASnapshotError} when the input does not start like a heap snapshot
   * @throws {HeapCorruptError} on a malformed token, a count mismatch or data after the end
   * @throws {HeapBudgetExceededError} when the budget runs out
   */
  push (input: Uint8Array): void {
    // Element reads on a Buffer (a Uint8Array subclass) are markedly slower in V8 than on a
    // plain Uint8Array over the same memory.
    const chunk = input.constructor === Uint8Array ? input : new Uint8Array(input.buffer, input.byteOffset, input.byteLength)
    const len = chunk.length
    let i = 0
    while (i < len) {
      switch (this.#state) {
        case ST_START: {
          const c = chunk[i]!
          if (isSpace(c)) { i++; break }
          if (c !== LBRACE) this.#notSnapshot(`${describeByte(c)}`, i)
          this.#state = ST_KEY_OR_END
          i++
          break
        }
        case ST_KEY_OR_END: {
          const c = chunk[i]!
          if (isSpace(c)) { i++; break }
          if (c === QUOTE) {
            this.#state = ST_KEY
            this.#keyBytes = []
          } else if (c === RBRACE && !this.#expectKey && this.#keyCount > 0) {
            this.#state = ST_DONE
          } else if (this.#keyCount === 0) {
            this.#notSnapshot(describeByte(c), i)
          } else {
            this.#corrupt(`expected a key, found ${describeByte(c)}`, i)
          }
          i++
          break
        }
        case ST_KEY: {
          const c = chunk[i]!
          i++
          if (c !== QUOTE) {
            if (this.#keyBytes.length === MAX_KEY_BYTES) this.#corrupt('key too long', i)
            this.#keyBytes.push(c)
            break
          }
          this.#key = new TextDecoder().decode(new Uint8Array(this.#keyBytes))
          if (this.#keyCount === 0 && this.#key !== 'snapshot') this.#notSnapshot(`first key ${JSON.stringify(this.#key)}`, i)
          if (this.#seen.has(this.#key)) this.#corrupt(`duplicate key ${JSON.stringify(this.#key)}`, i)
          this.#seen.add(this.#key)
          this.#keyCount++
          this.#state = ST_COLON
          break
        }
        case ST_COLON: {
          const c = chunk[i]!
          if (isSpace(c)) { i++; break }
          if (c !== COLON) this.#corrupt(`expected ':' after key ${JSON.stringify(this.#key)}, found ${describeByte(c)}`, i)
          this.#state = ST_VALUE
          i++
          break
        }
        case ST_VALUE:
          this.#startValue()
          break
        case ST_SKIP:
          i = this.#skip(chunk, i, len)
          break
        case ST_NUMBERS:
          i = this.#scanNumbers(chunk, i, len)
          break
        case ST_STRINGS:
          i = this.#scanStrings(chunk, i, len)
          break
        case ST_SKIP_NUMBERS: {
          // A list of numbers holds no ']' but its own: jump to it (memchr speed).
          const end = chunk.indexOf(RBRACKET, i)
          if (end === -1) {
            i = len
          } else {
            this.#state = ST_AFTER_VALUE
            i = end + 1
          }
          break
        }
        case ST_AFTER_VALUE: {
          const c = chunk[i]!
          if (isSpace(c)) { i++; break }
          if (c === COMMA) {
            this.#state = ST_KEY_OR_END
            this.#expectKey = true
          } else if (c === RBRACE) {
            this.#state = ST_DONE
          } else {
            this.#corrupt(`expected ',' or '}' after ${JSON.stringify(this.#key)}, found ${describeByte(c)}`, i)
          }
          i++
          break
        }
        default: { // ST_DONE
          const c = chunk[i]!
          if (!isSpace(c)) this.#corrupt(`data after the end of the snapshot: ${describeByte(c)}`, i)
          i++
        }
      }
    }
    this.#offset += len
    this.#sinceSpend += len
    if (this.#sinceSpend >= BUDGET_STRIDE) {
      this.#budget.spend('parse', this.#sinceSpend)
      this.#sinceSpend = 0
    }
  }

  /**
   * Ends the input and builds the model.
   * @throws {HeapTruncatedError} when the input stopped before the snapshot was complete
   * @throws {HeapNotASnapshotError} on empty input
   * @throws {HeapCorruptError} when arrays are missing, disagree with the header or point outside
   */
  finish (): HeapSnapshot {
    if (this.#state !== ST_DONE) {
      if (this.#state === ST_START) this.#notSnapshot('end of input', 0)
      throw new HeapTruncatedError({ source: this.#source, offset: this.#offset, inside: this.#where() })
    }
    const meta = this.#meta!
    const nodeSink = this.#nodeSink
    if (nodeSink === undefined || !this.#seen.has('edges') || this.#starts === undefined) {
      const missing = ['nodes', 'edges', 'strings'].filter((k) => !this.#seen.has(k))
      this.#corrupt(`missing ${missing.join(', ')}`, 0)
    }
    if (nodeSink.edgeTotal !== meta.edgeCount) this.#corrupt(`node edge counts add up to ${nodeSink.edgeTotal}, the header announces ${meta.edgeCount} edges`, 0)
    if (this.#withEdges) nodeSink.firstEdge[meta.nodeCount] = nodeSink.edgeTotal
    // The text buffer grew by doubling: give back the unused part when it is large.
    const text = this.#text!
    const bytes = text.bytes.length > text.length * 1.25 ? text.bytes.slice(0, text.length) : text.bytes.subarray(0, text.length)
    this.#text = undefined
    const strings = new StringTable(bytes, this.#starts.result(), this.#ends!.result())
    return indexSnapshot({
      source: this.#source,
      meta,
      nodes: nodeSink.nodes,
      edges: this.#edgeSink?.edges ?? new Uint32Array(0),
      firstEdge: nodeSink.firstEdge,
      strings,
      locations: this.#arrays.get('locations') ?? new Uint32Array(0),
      inputBytes: this.#offset,
      hasEdges: this.#withEdges
    }, this.#budget)
  }

  #where (): string {
    switch (this.#state) {
      case ST_KEY: return 'a key'
      case ST_SKIP: return this.#capture === undefined ? `the "${this.#key}" value` : 'the snapshot header'
      case ST_NUMBERS:
      case ST_SKIP_NUMBERS: return `the "${this.#key}" array`
      case ST_STRINGS: return this.#inString ? 'a string of the "strings" array' : 'the "strings" array'
      default: return 'the top-level object'
    }
  }

  #notSnapshot (found: string, i: number): never {
    throw new HeapNotASnapshotError({ source: this.#source, offset: this.#offset + i, found })
  }

  #corrupt (problem: string, i: number): never {
    throw new HeapCorruptError({ source: this.#source, offset: this.#offset + i, problem })
  }

  /** Chooses how to read the value of the key just seen. */
  #startValue (): void {
    const key = this.#key
    this.#skipDepth = 0
    this.#skipStarted = false
    this.#inString = false
    this.#escape = false
    this.#capture = undefined
    this.#want = WANT_OPEN
    if (key === 'snapshot') {
      this.#capture = new ByteBuilder(4096)
      this.#state = ST_SKIP
    } else if (key === 'edges' && !this.#withEdges) {
      this.#state = ST_SKIP_NUMBERS
    } else if (NUMBER_KEYS.has(key)) {
      if (this.#meta === undefined) this.#corrupt(`"${key}" comes before the "snapshot" header`, 0)
      const meta = this.#meta
      this.#sink = key === 'nodes' ? (this.#nodeSink = new NodeSink(meta, this.#withEdges)) : key === 'edges' ? (this.#edgeSink = new EdgeSink(meta)) : undefined
      // Sinks take whole records: the staging area holds a multiple of the record size.
      this.#numbers = this.#sink === undefined ? new Uint32Builder(1024, false) : new Uint32Builder(this.#sink.fields * STAGED_RECORDS, true)
      Object.assign(this.#numberState, { n: 0, acc: 0, hasDigits: false, tokenEnded: false, want: WANT_OPEN })
      this.#state = ST_NUMBERS
    } else if (key === 'strings') {
      this.#text = new ByteBuilder(Math.max(1 << 16, this.#expectedBytes - this.#offset))
      this.#starts = new Uint32Builder(1 << 16, false)
      this.#ends = new Uint32Builder(1 << 16, false)
      this.#state = ST_STRINGS
    } else {
      this.#state = ST_SKIP
    }
  }

  /** Skips one JSON value of any shape, or captures it when it is the header. */
  #skip (chunk: Uint8Array, i: number, len: number): number {
    const from = i
    let depth = this.#skipDepth
    let started = this.#skipStarted
    let done = false
    for (; i < len; i++) {
      if (this.#inString) {
        i = this.#stringEnd(chunk, i, len)
        if (i === len) break
        if (depth === 0) { i++; done = true; break }
        continue
      }
      const c = chunk[i]!
      if (!started) {
        if (isSpace(c)) continue
        started = true
      }
      if (c === QUOTE) this.#inString = true
      else if (c === LBRACE || c === LBRACKET) depth++
      else if (c === RBRACE || c === RBRACKET) {
        if (depth === 0) { done = true; break } // end of a bare scalar; the '}' is ours
        depth--
        if (depth === 0) { i++; done = true; break }
      } else if (c === COMMA && depth === 0) { done = true; break }
    }
    if (this.#capture !== undefined) {
      this.#capture.append(chunk, from, i)
      if (this.#capture.length > MAX_HEADER_BYTES) this.#corrupt(`"snapshot" header larger than ${MAX_HEADER_BYTES} bytes`, i)
    }
    this.#skipDepth = depth
    this.#skipStarted = started
    if (done) {
      if (this.#capture !== undefined) this.#readHeader(i)
      this.#state = ST_AFTER_VALUE
    }
    return i
  }

  #readHeader (i: number): void {
    const text = new TextDecoder().decode(this.#capture!.bytes.subarray(0, this.#capture!.length))
    let header: unknown
    try {
      header = JSON.parse(text)
    } catch (err) {
      this.#corruptWithCause('the "snapshot" header is not valid JSON', i, err)
    }
    if (header === null || typeof header !== 'object' || Array.isArray(header)) this.#notSnapshot('"snapshot" is not an object', i)
    const meta = readSnapshotMeta(header, this.#source)
    // The model packs an edge's type and target in 32 bits (heap-snapshot.ts).
    if (meta.nodeCount > EDGE_TO_MASK) throw new HeapUnsupportedMetaError({ source: this.#source, problem: `${meta.nodeCount} nodes, more than the ${EDGE_TO_MASK} this analysis can address` })
    if (meta.edgeTypeNames.length > 1 << (32 - EDGE_TYPE_SHIFT)) throw new HeapUnsupportedMetaError({ source: this.#source, problem: `${meta.edgeTypeNames.length} edge types, more than ${1 << (32 - EDGE_TYPE_SHIFT)}` })
    this.#meta = meta
    this.#capture = undefined
  }

  #corruptWithCause (problem: string, i: number, cause: unknown): never {
    throw new HeapCorruptError({ source: this.#source, offset: this.#offset + i, problem }, { cause })
  }

  /**
   * Inside a JSON string: returns the index of its closing quote (leaving the string), or
   * `len` when the chunk ends first (remembering a pending backslash).
   */
  #stringEnd (chunk: Uint8Array, i: number, len: number): number {
    const q = closingQuote(chunk, i, len, this.#escape)
    if (q < 0) {
      this.#escape = q === OPEN_ESCAPED
      return len
    }
    this.#inString = false
    this.#escape = false
    return q
  }

  /**
   * The `nodes` and `edges` lists (most of the file): `scanIntegers` runs the common case
   * — digits, commas, whitespace — and stops at anything else, which is handled here: the
   * closing bracket, a full array that may grow, or an error to report.
   */
  #scanNumbers (chunk: Uint8Array, i: number, len: number): number {
    const st = this.#numberState
    if (st.want === WANT_OPEN) {
      while (i < len && isSpace(chunk[i]!)) i++
      if (i === len) return i
      if (chunk[i] !== LBRACKET) this.#corrupt(`"${this.#key}" is not an array (found ${describeByte(chunk[i]!)})`, i)
      st.want = WANT_FIRST
      i++
    }
    const builder = this.#numbers!
    for (;;) {
      st.n = builder.length
      i = scanIntegers(chunk, i, len, builder.values, st)
      builder.length = st.n
      if (i === len) return i
      const c = chunk[i]!
      if ((c === COMMA || c === RBRACKET) && st.hasDigits) {
        if (st.acc > UINT32_MAX) this.#corrupt(`number out of range in "${this.#key}"`, i)
        if (builder.length === builder.values.length) this.#makeRoom(i)
        builder.values[builder.length++] = st.acc
        st.acc = 0
        st.hasDigits = false
        st.tokenEnded = false
        st.want = WANT_COMMA
        if (c === COMMA) {
          st.want = WANT_VALUE
          i++
          continue
        }
      }
      if (c === RBRACKET && st.want !== WANT_VALUE) return this.#closeNumbers(i + 1)
      if (c === COMMA || c === RBRACKET) this.#corrupt(`expected a number in "${this.#key}", found ${describeByte(c)}`, i)
      if (c - ZERO >= 0 && c - ZERO <= 9) this.#corrupt(`missing ',' between numbers in "${this.#key}"`, i)
      this.#corrupt(`unexpected ${describeByte(c)} in "${this.#key}" (only non-negative integers are valid)`, i)
    }
  }

  /** The staging area is full: hand its records to the sink, or grow it for a kept list. */
  #makeRoom (i: number): void {
    const builder = this.#numbers!
    if (this.#sink === undefined) {
      builder.grow()
      return
    }
    const problem = this.#sink.consume(builder.values, builder.length)
    if (problem !== undefined) this.#corrupt(problem, i)
    builder.length = 0
  }

  #closeNumbers (i: number): number {
    const builder = this.#numbers!
    const key = this.#key
    const sink = this.#sink
    if (sink === undefined) {
      this.#arrays.set(key, builder.result())
    } else {
      const values = sink.records * sink.fields + builder.length
      const whole = builder.length - builder.length % sink.fields
      const problem = sink.consume(builder.values, whole)
      if (problem !== undefined) this.#corrupt(problem, i - 1)
      if (whole !== builder.length || sink.records !== sink.expected) this.#corrupt(`"${key}" has ${values} values, the header announces ${sink.expected * sink.fields}`, i - 1)
    }
    this.#numbers = undefined
    this.#sink = undefined
    this.#state = ST_AFTER_VALUE
    return i
  }

  /**
   * The `strings` list: copies the chunk's text into the table as is and records where each
   * string starts and ends. Escapes are decoded later, on demand.
   */
  #scanStrings (chunk: Uint8Array, i: number, len: number): number {
    let want = this.#want
    if (want === WANT_OPEN) {
      while (i < len && isSpace(chunk[i]!)) i++
      if (i === len) return i
      if (chunk[i] !== LBRACKET) this.#corrupt(`"strings" is not an array (found ${describeByte(chunk[i]!)})`, i)
      want = WANT_FIRST
      i++
    }
    const text = this.#text!
    const starts = this.#starts!
    const ends = this.#ends!
    const regionStart = i
    // Text offset of chunk position p is base + p once the region is appended.
    const base = text.length - regionStart
    let closed = false
    for (; i < len; i++) {
      if (this.#inString) {
        i = this.#stringEnd(chunk, i, len)
        if (i === len) break
        if (ends.length === ends.values.length) ends.grow()
        ends.values[ends.length++] = base + i
        want = WANT_COMMA
        continue
      }
      const c = chunk[i]!
      if (c === QUOTE) {
        if (want === WANT_COMMA) this.#corrupt('missing \',\' between strings', i)
        this.#inString = true
        if (starts.length === starts.values.length) starts.grow()
        starts.values[starts.length++] = base + i + 1
      } else if (c === COMMA) {
        if (want !== WANT_COMMA) this.#corrupt('expected a string in "strings", found \',\'', i)
        want = WANT_VALUE
      } else if (c === RBRACKET) {
        if (want === WANT_VALUE) this.#corrupt('expected a string in "strings", found \']\'', i)
        closed = true
        break
      } else if (!isSpace(c)) {
        this.#corrupt(`unexpected ${describeByte(c)} in "strings"`, i)
      }
    }
    text.append(chunk, regionStart, i)
    this.#want = want
    if (closed) {
      this.#state = ST_AFTER_VALUE
      return i + 1
    }
    return i
  }
}

/**
 * Checks the arrays against each other and builds the edge index: every node's edge count
 * must add up to the edge total, every edge must point at a node, every name at a string.
 * Converts `to_node` and `object_index` from V8's array offsets to ordinals on the way.
 */
function indexSnapshot (parts: HeapSnapshotArrays, budget: ScanBudget): HeapSnapshot {
  const { source, meta, nodes, edges, strings, locations, inputBytes, hasEdges } = parts
  const corrupt = (problem: string): never => { throw new HeapCorruptError({ source, offset: inputBytes, problem }) }
  const nodeCount = meta.nodeCount
  const stringCount = strings.length
  if (nodeCount === 0) corrupt('the snapshot has no nodes')
  for (let n = 0, at = NODE_NAME; n < nodeCount; n++, at += NODE_STRIDE) {
    if (nodes[at]! >= stringCount) corrupt(`node ${n} names string ${nodes[at]}, there are ${stringCount}`)
  }
  budget.spend('index nodes', nodeCount)
  // Names that are string ids must point into the strings (known only now); element and
  // hidden edges carry an index instead. One compare per edge for the common case.
  const { element, hidden } = meta.edgeTypes
  const edgeCount = hasEdges ? meta.edgeCount : 0
  for (let e = 0, at = 0; e < edgeCount; e++, at += EDGE_STRIDE) {
    if (edges[at + EDGE_NAME]! < stringCount) continue
    const type = edges[at + EDGE_TYPE_TO]! >>> EDGE_TYPE_SHIFT
    if (type !== element && type !== hidden) corrupt(`edge ${e} names string ${edges[at + EDGE_NAME]}, there are ${stringCount}`)
  }
  budget.spend('index edges', edgeCount)
  const nfc = meta.nodeFieldCount
  const lfc = meta.locationFieldCount
  const objOff = meta.locationObjectIndexOffset
  if (lfc > 0 && objOff >= 0) {
    if (locations.length % lfc !== 0) corrupt(`"locations" has ${locations.length} values, not a multiple of ${lfc}`)
    for (let at = objOff; at < locations.length; at += lfc) {
      const index = locations[at]!
      if (index % nfc !== 0 || index / nfc >= nodeCount) corrupt(`a location points at node offset ${index}, outside the ${nodeCount} nodes`)
      locations[at] = index / nfc
    }
  }
  return new HeapSnapshot(parts)
}

/**
 * Parses a snapshot held in memory or produced chunk by chunk.
 * @throws {HeapNotASnapshotError} {@link HeapCorruptError} {@link HeapTruncatedError} on bad input
 */
export function parseHeapSnapshot (chunks: Iterable<Uint8Array>, options: HeapSnapshotParserOptions = {}): HeapSnapshot {
  const parser = new HeapSnapshotParser(options)
  for (const chunk of chunks) parser.push(chunk)
  return parser.finish()
}

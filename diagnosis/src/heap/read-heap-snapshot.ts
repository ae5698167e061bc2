/**
 * Reads a `.heapsnapshot` from disk or from a stream into a `HeapSnapshot`, chunk by chunk,
 * through the streaming parser: memory holds the typed arrays and the strings' text, never
 * the whole file as one string.
 */
import { open } from 'node:fs/promises'
import { HeapReadError } from './errors.js'
import type { HeapSnapshot } from './heap-snapshot.js'
import { HeapSnapshotParser, type HeapSnapshotParserOptions } from './snapshot-parser.js'
import type { ScanBudget } from './scan-budget.js'

export interface ReadHeapSnapshotOptions {
  budget?: ScanBudget
  /** False for a light read without the edges (see HeapSnapshotParserOptions). */
  withEdges?: boolean
  /** Bytes per read; the buffer is reused. Default 4 MiB. */
  chunkSize?: number
}

/**
 * Parses the snapshot file at `path`.
 * @throws {HeapReadError} when the file cannot be opened or read
 * @throws {HeapNotASnapshotError} {@link HeapCorruptError} {@link HeapTruncatedError} on bad content
 */
export async function readHeapSnapshot (path: string, options: ReadHeapSnapshotOptions = {}): Promise<HeapSnapshot> {
  let handle
  try {
    handle = await open(path, 'r')
  } catch (err) {
    throw new HeapReadError({ path, reason: (err as NodeJS.ErrnoException).code ?? String(err) }, { cause: err })
  }
  try {
    const parser = new HeapSnapshotParser({ ...parserOptions(path, options), expectedBytes: (await handle.stat()).size })
    const buffer = Buffer.allocUnsafe(options.chunkSize ?? 4 << 20)
    for (;;) {
      let bytesRead: number
      try {
        ({ bytesRead } = await handle.read(buffer, 0, buffer.length, null))
      } catch (err) {
        throw new HeapReadError({ path, reason: (err as NodeJS.ErrnoException).code ?? String(err) }, { cause: err })
      }
      if (bytesRead === 0) break
      parser.push(buffer.subarray(0, bytesRead))
    }
    return parser.finish()
  } finally {
    await handle.close()
  }
}

/**
 * Parses a snapshot from a byte stream (a socket, a CDP chunk stream, stdin).
 * @throws {HeapNotASnapshotError} {@link HeapCorruptError} {@link HeapTruncatedError} on bad content
 */
export async function readHeapSnapshotStream (stream: AsyncIterable<Uint8Array | string>, source: string, options: ReadHeapSnapshotOptions = {}): Promise<HeapSnapshot> {
  const parser = new HeapSnapshotParser(parserOptions(source, options))
  for await (const chunk of stream) parser.push(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk)
  return parser.finish()
}

function parserOptions (source: string, options: ReadHeapSnapshotOptions): HeapSnapshotParserOptions {
  return {
    source,
    ...(options.budget === undefined ? {} : { budget: options.budget }),
    ...(options.withEdges === undefined ? {} : { withEdges: options.withEdges })
  }
}

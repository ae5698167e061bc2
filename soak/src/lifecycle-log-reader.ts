/**
 * Follows a target's NDJSON lifecycle log (docs/architecture.md, "Server process") while the
 * target keeps appending to it: each `read()` returns the events written since the last one.
 * A line still being written (no newline yet) waits for the next read, so a torn write is
 * never parsed half. Memory holds the unread tail only, whatever the log's length.
 */
import { open } from 'node:fs/promises'
import type { LifecycleEvent } from '../../diagnosis/src/lifecycle-event.js'
import { parseLifecycleLine } from '../../diagnosis/src/lifecycle-event.js'

const CHUNK_BYTES = 256 * 1024

export class LifecycleLogReader {
  readonly path: string
  #offset = 0
  #partial = ''
  #opened = 0
  #closed = 0

  constructor (path: string) {
    this.path = path
  }

  /** Sessions opened and closed in everything read so far. */
  get counts (): { opened: number, closed: number } {
    return { opened: this.#opened, closed: this.#closed }
  }

  /**
   * The events appended since the last call; none while the file does not exist yet.
   * @throws the file system error for anything but a missing file (EACCES, EISDIR…)
   */
  async read (): Promise<LifecycleEvent[]> {
    let handle
    try {
      handle = await open(this.path, 'r')
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [] // the target has logged nothing yet
      throw err
    }
    const events: LifecycleEvent[] = []
    try {
      const buffer = Buffer.allocUnsafe(CHUNK_BYTES)
      while (true) {
        const { bytesRead } = await handle.read(buffer, 0, CHUNK_BYTES, this.#offset)
        if (bytesRead === 0) break
        this.#offset += bytesRead
        // A multi-byte character split across chunks stays intact: only complete lines are
        // decoded, and a chunk boundary inside a line is kept in #partial as bytes' text.
        const text = this.#partial + buffer.toString('latin1', 0, bytesRead)
        const lines = text.split('\n')
        this.#partial = lines.pop() ?? ''
        for (const line of lines) {
          const event = parseLifecycleLine(Buffer.from(line, 'latin1').toString('utf8'))
          if (event === undefined) continue
          if (event.event === 'open') this.#opened++
          else if (event.event === 'close') this.#closed++
          events.push(event)
        }
      }
    } finally {
      await handle.close()
    }
    return events
  }
}

/**
 * Files that appear complete or not at all: written under a temporary name in the same folder,
 * then renamed into place (rename(2) is atomic within one file system). A crash or an abort
 * leaves at most a hidden `.NAME.PID-RANDOM.tmp`, never a truncated file under the final name.
 * No fsync: this guards against soakwatch or its target dying mid-write, not power loss.
 */
import { randomBytes } from 'node:crypto'
import { writeSync } from 'node:fs'
import { open, rename, unlink } from 'node:fs/promises'
import type { FileHandle } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'

export class AtomicFile {
  readonly path: string
  readonly tempPath: string
  #handle: FileHandle | undefined
  #bytes = 0

  private constructor (path: string, tempPath: string, handle: FileHandle) {
    this.path = path
    this.tempPath = tempPath
    this.#handle = handle
  }

  /**
   * Creates the temporary file next to `path`.
   * @throws the file system error (ENOENT, EACCES, …) when the folder is not writable
   */
  static async create (path: string): Promise<AtomicFile> {
    const tempPath = join(dirname(path), `.${basename(path)}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`)
    return new AtomicFile(path, tempPath, await open(tempPath, 'wx'))
  }

  /** Bytes written so far. */
  get bytes (): number { return this.#bytes }

  /**
   * Appends synchronously. Synchronous on purpose for streamed captures: the CDP client has no
   * flow control, so blocking here is what stops us reading the socket while the disk catches
   * up, and memory stays bounded by one chunk.
   * @throws the file system error (ENOSPC, …), or an Error once committed or aborted
   */
  writeSync (chunk: string | Uint8Array): void {
    if (this.#handle === undefined) throw new Error(`${this.path}: write after commit or abort`)
    const data = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk
    let offset = 0
    while (offset < data.length) offset += writeSync(this.#handle.fd, data, offset, data.length - offset)
    this.#bytes += data.length
  }

  /** Closes and renames into place. @throws the file system error; the temp file is removed */
  async commit (): Promise<void> {
    const handle = this.#take()
    try {
      await handle.close()
      await rename(this.tempPath, this.path)
    } catch (err) {
      await unlink(this.tempPath).catch(() => undefined) // best effort; the original error matters
      throw err
    }
  }

  /** Closes and deletes the temporary file. Never throws. */
  async abort (): Promise<void> {
    if (this.#handle === undefined) return
    const handle = this.#take()
    await handle.close().catch(() => undefined) // already failing: nothing better to report
    await unlink(this.tempPath).catch(() => undefined)
  }

  #take (): FileHandle {
    const handle = this.#handle
    if (handle === undefined) throw new Error(`${this.path}: already committed or aborted`)
    this.#handle = undefined
    return handle
  }
}

/**
 * Writes a whole file atomically.
 * @throws the file system error when the folder is not writable
 */
export async function writeFileAtomic (path: string, data: string | Uint8Array): Promise<void> {
  const file = await AtomicFile.create(path)
  try {
    file.writeSync(data)
  } catch (err) {
    await file.abort()
    throw err
  }
  await file.commit()
}

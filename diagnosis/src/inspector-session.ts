/**
 * A Chrome DevTools Protocol session with one Node target (chrome-remote-interface).
 *
 * Contract:
 * - Loopback only: the URL is checked before any connection is made.
 * - Every call either resolves or throws a typed error: `TargetGoneError` once the WebSocket
 *   closes (target exited or was killed), `EvaluateFailedError` when target code throws,
 *   `InspectorProtocolError` when the target refuses a command, `CaptureFailedError` when a
 *   profile cannot be written.
 * - Heap snapshots stream to disk chunk by chunk (HeapProfiler.addHeapSnapshotChunk) under a
 *   temporary name and are renamed when complete, so memory holds one chunk, not the snapshot.
 * - Events: `disconnect` once when the connection closes without `close()` having been called,
 *   `snapshot-progress` while V8 builds a snapshot.
 */
import { EventEmitter } from 'node:events'
import { join } from 'node:path'
import CDP from 'chrome-remote-interface'
import { AtomicFile } from './atomic-file.js'
import { parseDevtoolsUrl } from './devtools-url.js'
import {
  CaptureFailedError, EvaluateFailedError, HooksMissingError, InspectorProtocolError, InspectorUnreachableError, TargetGoneError
} from './errors.js'
import type { Inventory, ResourceCounts } from './hooks/inventory.js'
import { HOOKS_KEY } from './hooks/inventory.js'
import { asInventory, asResourceCounts, asServingReport } from './inventory-schema.js'
import type { ServingReport } from './hooks/process-record.js'

export interface InspectorSessionEvents {
  disconnect: [{ url: string }]
  'snapshot-progress': [{ phase: string, done: number, total: number }]
}

export interface ConnectOptions {
  /** Give up connecting after this long (default 5000 ms). */
  timeoutMs?: number
}

/** A file written by a capture. */
export interface Capture {
  path: string
  bytes: number
  durationMs: number
}

export interface HeapUsage {
  usedBytes: number
  totalBytes: number
}

const DEFAULT_CONNECT_TIMEOUT_MS = 5000
/** V8's answer once the target's context is destroyed (its process is exiting). */
const CONTEXT_GONE = /Cannot find context with specified id/
/** Evaluated in the target; a JSON string keeps the value exact across returnByValue. */
const hooksCall = (method: 'inventory' | 'counts' | 'serving', arg = ''): string =>
  `(() => { const h = globalThis[Symbol.for(${JSON.stringify(HOOKS_KEY)})]; return h === undefined ? null : JSON.stringify(h.${method}(${arg})) })()`

export class InspectorSession extends EventEmitter<InspectorSessionEvents> {
  readonly url: string
  readonly #client: CDP.Client
  #open = true
  #closing = false

  private constructor (url: string, client: CDP.Client) {
    super()
    this.url = url
    this.#client = client
    client.on('disconnect', () => {
      this.#open = false
      if (!this.#closing) this.emit('disconnect', { url })
    })
  }

  /**
   * Connects to a DevTools WebSocket URL such as `ws://127.0.0.1:9229/<id>`.
   * @throws {InspectorUrlInvalidError} for a malformed URL
   * @throws {InspectorNotLoopbackError} for a host off loopback
   * @throws {InspectorUnreachableError} when nothing answers in time
   */
  static async connect (url: string, options: ConnectOptions = {}): Promise<InspectorSession> {
    parseDevtoolsUrl(url)
    const timeoutMs = options.timeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS
    // `local`: use the protocol description bundled with the client instead of fetching
    // /json/protocol, so connecting is a single WebSocket handshake.
    const pending = CDP({ target: url, local: true })
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs)
    })
    try {
      return new InspectorSession(url, await Promise.race([pending, timeout]))
    } catch (err) {
      // If the handshake completes after the timeout, do not leave that connection open.
      pending.then(async (late) => { await late.close() }, () => undefined)
      throw new InspectorUnreachableError({ url, reason: err instanceof Error ? err.message : String(err) }, { cause: err })
    } finally {
      clearTimeout(timer)
    }
  }

  /** False once the connection has closed, for whatever reason. */
  get connected (): boolean { return this.#open }

  /**
   * Evaluates an expression in the target's main context and returns its value by JSON copy.
   * @throws {EvaluateFailedError} when the expression throws (or its promise rejects)
   * @throws {TargetGoneError} when the connection closes
   */
  async evaluate<T = unknown> (expression: string, options: { awaitPromise?: boolean } = {}): Promise<T> {
    const response = await this.#call('evaluate', async () => await this.#client.Runtime.evaluate({
      expression,
      returnByValue: true,
      awaitPromise: options.awaitPromise ?? false,
      silent: true
    }))
    if (response.exceptionDetails !== undefined) {
      const details = response.exceptionDetails
      throw new EvaluateFailedError({ expression, description: details.exception?.description ?? details.text })
    }
    return response.result.value as T
  }

  /** True when the target runs the soakwatch preload. @throws {TargetGoneError} */
  async hasHooks (): Promise<boolean> {
    return await this.evaluate<boolean>(`globalThis[Symbol.for(${JSON.stringify(HOOKS_KEY)})] !== undefined`)
  }

  /**
   * Reads the hooks' full inventory (formats creation sites in the target).
   * @throws {HooksMissingError} when the target was started without the preload
   * @throws {InventoryInvalidError} when the target answers with another schema
   * @throws {TargetGoneError}
   */
  async inventory (): Promise<Inventory> {
    return asInventory(JSON.parse(await this.#hooks('inventory')))
  }

  /** Cheap counts for polling. @throws {HooksMissingError} @throws {TargetGoneError} */
  async counts (): Promise<ResourceCounts> {
    return asResourceCounts(JSON.parse(await this.#hooks('counts')))
  }

  /**
   * Whether the target serves `port`: listening on it, connections accepted on it, a cluster
   * primary's workers. @throws {HooksMissingError} @throws {TargetGoneError}
   */
  async serving (port: number): Promise<ServingReport> {
    return asServingReport(JSON.parse(await this.#hooks('serving', String(port))))
  }

  /** Forces a full garbage collection in the target. @throws {TargetGoneError} */
  async collectGarbage (): Promise<void> {
    await this.#call('garbage collection', async () => await this.#client.HeapProfiler.collectGarbage())
  }

  /** V8's used and total heap size right now. @throws {TargetGoneError} */
  async heapUsage (): Promise<HeapUsage> {
    const usage = await this.#call('heap usage', async () => await this.#client.Runtime.getHeapUsage())
    return { usedBytes: usage.usedSize, totalBytes: usage.totalSize }
  }

  /** Used heap bytes after a forced full GC. @throws {TargetGoneError} */
  async usedHeapAfterGc (): Promise<number> {
    await this.collectGarbage()
    return (await this.heapUsage()).usedBytes
  }

  /**
   * Streams a heap snapshot to `<dir>/<phase>.heapsnapshot` (V8 runs a full GC first).
   * @throws {CaptureFailedError} when the file cannot be written; no partial file is left
   * @throws {TargetGoneError} when the target goes away mid-snapshot
   */
  async takeHeapSnapshot (dir: string, phase: string): Promise<Capture> {
    const path = join(dir, `${phase}.heapsnapshot`)
    const started = performance.now()
    const file = await this.#createFile('heap snapshot', path)
    let writeError: unknown
    const onChunk = ({ chunk }: { chunk: string }): void => {
      if (writeError !== undefined) return
      try {
        file.writeSync(chunk)
      } catch (err) {
        writeError = err // reported once the command returns; V8 cannot be told to stop early
      }
    }
    const onProgress = ({ done, total }: { done: number, total: number }): void => {
      this.emit('snapshot-progress', { phase, done, total })
    }
    const unsubscribe = [
      this.#client.HeapProfiler.addHeapSnapshotChunk(onChunk),
      this.#client.HeapProfiler.reportHeapSnapshotProgress(onProgress)
    ]
    try {
      // Chunks arrive as events before the command's response on the same ordered socket, so
      // when this resolves the file holds the whole snapshot.
      await this.#call('heap snapshot', async () => await this.#client.HeapProfiler.takeHeapSnapshot({
        reportProgress: this.listenerCount('snapshot-progress') > 0
      }))
      if (writeError !== undefined) throw new CaptureFailedError({ what: 'heap snapshot', path, reason: String(writeError) }, { cause: writeError })
      await file.commit()
    } catch (err) {
      await file.abort()
      throw err
    } finally {
      for (const off of unsubscribe) off()
    }
    return { path, bytes: file.bytes, durationMs: performance.now() - started }
  }

  /** Starts the CPU sampling profiler. @throws {TargetGoneError} */
  async startCpuProfile (samplingIntervalUs = 1000): Promise<void> {
    await this.#call('cpu profile start', async () => {
      await this.#client.Profiler.enable()
      await this.#client.Profiler.setSamplingInterval({ interval: samplingIntervalUs })
      await this.#client.Profiler.start()
    })
  }

  /**
   * Stops the CPU profiler and writes `<dir>/<name>.cpuprofile` (loadable in DevTools).
   * @throws {CaptureFailedError} @throws {TargetGoneError}
   */
  async stopCpuProfile (dir: string, name: string): Promise<Capture> {
    const started = performance.now()
    const { profile } = await this.#call('cpu profile stop', async () => await this.#client.Profiler.stop())
    return await this.#writeJson('cpu profile', join(dir, `${name}.cpuprofile`), profile, started)
  }

  /** Starts the sampling heap profiler. @throws {TargetGoneError} */
  async startHeapSampling (samplingIntervalBytes = 32768): Promise<void> {
    await this.#call('heap sampling start', async () => {
      await this.#client.HeapProfiler.enable()
      await this.#client.HeapProfiler.startSampling({ samplingInterval: samplingIntervalBytes })
    })
  }

  /**
   * Stops heap sampling and writes `<dir>/<name>.heapprofile` (loadable in DevTools).
   * @throws {CaptureFailedError} @throws {TargetGoneError}
   */
  async stopHeapSampling (dir: string, name: string): Promise<Capture> {
    const started = performance.now()
    const { profile } = await this.#call('heap sampling stop', async () => await this.#client.HeapProfiler.stopSampling())
    return await this.#writeJson('heap profile', join(dir, `${name}.heapprofile`), profile, started)
  }

  /** Closes the connection; the target keeps running. Never throws. */
  async close (): Promise<void> {
    if (!this.#open) return
    this.#closing = true
    this.#open = false
    await this.#client.close().catch(() => undefined) // the socket is going away either way
  }

  async #hooks (method: 'inventory' | 'counts' | 'serving', arg?: string): Promise<string> {
    const json = await this.evaluate<string | null>(hooksCall(method, arg))
    if (json === null) throw new HooksMissingError(this.url)
    return json
  }

  async #createFile (what: string, path: string): Promise<AtomicFile> {
    try {
      return await AtomicFile.create(path)
    } catch (err) {
      throw new CaptureFailedError({ what, path, reason: err instanceof Error ? err.message : String(err) }, { cause: err })
    }
  }

  async #writeJson (what: string, path: string, value: unknown, started: number): Promise<Capture> {
    const file = await this.#createFile(what, path)
    try {
      file.writeSync(JSON.stringify(value))
      await file.commit()
    } catch (err) {
      await file.abort()
      throw new CaptureFailedError({ what, path, reason: err instanceof Error ? err.message : String(err) }, { cause: err })
    }
    return { path, bytes: file.bytes, durationMs: performance.now() - started }
  }

  /**
   * Runs one protocol exchange, turning a closed connection into `TargetGoneError`.
   * chrome-remote-interface rejects pending commands with a plain Error when the WebSocket
   * closes, and with a ProtocolError (which has `response`) when the target answers an error.
   */
  async #call<T> (operation: string, exchange: () => Promise<T>): Promise<T> {
    if (!this.#open) throw new TargetGoneError(operation)
    try {
      return await exchange()
    } catch (err) {
      // A process exiting with a session attached has no JS context left but keeps the
      // socket open until we disconnect: for the caller, the target is gone.
      if (err instanceof Error && 'response' in err && !CONTEXT_GONE.test(err.message)) throw new InspectorProtocolError({ operation, message: err.message }, { cause: err })
      throw new TargetGoneError(operation, { cause: err })
    }
  }
}

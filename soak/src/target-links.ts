/**
 * The soak's inspector sessions to the processes it diagnoses: one for a plain server, one per
 * worker of a Node cluster. Each call goes to every process, and each process's observations
 * (inventories, used heap, snapshots) are kept apart: async ids and heap object ids only
 * compare within one process.
 *
 * Contract:
 * - `connect` checks every process has the hooks (`HooksMissingError` names the first without).
 * - `lost` fires once per process whose session closed without `close()`, or whose process
 *   began exiting (`checkExiting`, after Node's "Waiting for the debugger to disconnect" line,
 *   which does not say which process printed it): its session is closed so that it can exit.
 * - Settle samples of several processes are one sample with keys prefixed `<pid>:`, so the soak
 *   settles when all of them hold still.
 */
import { EventEmitter } from 'node:events'
import { HooksMissingError, TargetGoneError } from '../../diagnosis/src/errors.js'
import type { Inventory } from '../../diagnosis/src/hooks/inventory.js'
import type { Capture } from '../../diagnosis/src/inspector-session.js'
import { InspectorSession } from '../../diagnosis/src/inspector-session.js'
import { sampleFromCounts } from '../../diagnosis/src/settle.js'
import type { SettleSample } from '../../diagnosis/src/settle.js'

/** A process to diagnose, as discovery (or --attach) names it. */
export interface LinkTarget {
  pid: number
  role: 'process' | 'worker'
  argv: string[]
  url: string
}

/** One diagnosed process and what was observed of it. */
export interface ProcessLink extends LinkTarget {
  readonly session: InspectorSession
  baseline: Inventory | undefined
  /** The inventory after each measured round (and the final one after an abort); the last is the end. */
  ends: Inventory[]
  /** Used heap after a forced GC, by round (0: the baseline). */
  usedHeap: Map<number, number>
  snapshots: Array<{ phase: string, path: string, bytes: number }>
}

export interface TargetLinksEvents {
  /** `who` names the process for messages (`pid 12`, `worker pid 12`), `why` what happened. */
  lost: [{ pid: number, who: string, why: string }]
  'snapshot-progress': [{ phase: string, done: number, total: number }]
}

export class TargetLinks extends EventEmitter<TargetLinksEvents> {
  readonly links: readonly ProcessLink[]
  readonly #lost = new Set<number>()

  private constructor (links: ProcessLink[]) {
    super()
    this.links = links
    for (const link of links) {
      link.session.on('disconnect', () => { this.#markLost(link, 'its inspector connection closed') })
      link.session.on('snapshot-progress', (e) => this.emit('snapshot-progress', e))
    }
  }

  /**
   * Connects to every process and checks its hooks.
   * @throws {InspectorUnreachableError} @throws {HooksMissingError} @throws {TargetGoneError}
   */
  static async connect (targets: readonly LinkTarget[]): Promise<TargetLinks> {
    const links: ProcessLink[] = []
    try {
      for (const t of targets) {
        const session = await InspectorSession.connect(t.url)
        links.push({ ...t, session, baseline: undefined, ends: [], usedHeap: new Map(), snapshots: [] })
        if (!await session.hasHooks()) throw new HooksMissingError(t.url)
      }
    } catch (err) {
      await Promise.all(links.map(async (l) => { await l.session.close() }))
      throw err
    }
    return new TargetLinks(links)
  }

  /** True while every session is open. */
  get connected (): boolean {
    return this.links.every((l) => l.session.connected)
  }

  /** One settle sample over every process. */
  async sample (): Promise<SettleSample> {
    if (this.links.length === 1) return sampleFromCounts(await (this.links[0] as ProcessLink).session.counts())
    const merged: SettleSample = {}
    for (const link of this.links) {
      for (const [key, n] of Object.entries(sampleFromCounts(await link.session.counts()))) merged[`${link.pid}:${key}`] = n
    }
    return merged
  }

  /** Takes every process's inventory; `as` says whether it is the baseline or the end of a round. */
  async inventory (as: 'baseline' | 'end'): Promise<Inventory[]> {
    const taken: Inventory[] = []
    for (const link of this.links) {
      const inventory = await link.session.inventory()
      if (as === 'baseline') link.baseline = inventory
      else link.ends.push(inventory)
      taken.push(inventory)
    }
    return taken
  }

  /** Used heap after a forced GC in every process, recorded for `round`; returns the sum. */
  async usedHeapAfterGc (round: number): Promise<number> {
    let sum = 0
    for (const link of this.links) {
      const used = await link.session.usedHeapAfterGc()
      link.usedHeap.set(round, used)
      sum += used
    }
    return sum
  }

  /** A heap snapshot of every process: `<phase>.heapsnapshot`, or `<phase>.<pid>.heapsnapshot` for several. */
  async snapshot (dir: string, phase: string, onCapture: (c: Capture & { pid: number }) => void): Promise<string[]> {
    const paths: string[] = []
    for (const link of this.links) {
      const name = this.links.length === 1 ? phase : `${phase}.${link.pid}`
      const capture = await link.session.takeHeapSnapshot(dir, name)
      link.snapshots.push({ phase, path: capture.path, bytes: capture.bytes })
      paths.push(capture.path)
      onCapture({ ...capture, pid: link.pid })
    }
    return paths
  }

  /** Runs `step` on every session (profiles), in order. */
  async each<T> (step: (link: ProcessLink, suffix: string) => Promise<T>): Promise<T[]> {
    const out: T[] = []
    for (const link of this.links) out.push(await step(link, this.links.length === 1 ? '' : `.${link.pid}`))
    return out
  }

  /**
   * After "Waiting for the debugger to disconnect": asks every session, and lets go of those
   * whose process has no JS context left (it is exiting), reporting them lost.
   */
  async checkExiting (): Promise<void> {
    await Promise.all(this.links.map(async (link) => {
      if (!link.session.connected) return
      try {
        await link.session.evaluate('0')
      } catch (err) {
        if (!(err instanceof TargetGoneError)) return
        await link.session.close()
        this.#markLost(link, 'it began exiting')
      }
    }))
  }

  /** Closes every session; the processes keep running. Never throws. */
  async close (): Promise<void> {
    await Promise.all(this.links.map(async (l) => { await l.session.close() }))
  }

  #markLost (link: ProcessLink, why: string): void {
    if (this.#lost.has(link.pid)) return
    this.#lost.add(link.pid)
    const who = this.links.length === 1 ? `pid ${link.pid}` : `${link.role} pid ${link.pid}`
    this.emit('lost', { pid: link.pid, who, why })
  }
}

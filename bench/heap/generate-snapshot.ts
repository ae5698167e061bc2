/**
 * Writes generated heap snapshots for the heap benchmark (run by run-heap-bench.ts in a child
 * process, so that the benchmark's own heap is not in them):
 *
 *   node dist/bench/heap/generate-snapshot.js single MB OUT          one snapshot of about MB
 *   node dist/bench/heap/generate-snapshot.js leak MB CLIENTS DIR    baseline/target/final
 *
 * The heap is filled with a realistic mix (objects with string, array and nested-object
 * properties, in a Map and arrays). In the leak set, each of CLIENTS "sessions" is kept in a
 * registry Map by mistake between the baseline and the target; the final snapshot is taken after
 * the transient load is dropped, so the sessions are the known leak.
 */
import { join } from 'node:path'
import { writeHeapSnapshot } from 'node:v8'

/** Items per MB of snapshot, measured on Node 20 (490 MB for 1.1 M items). */
const ITEMS_PER_MB = 2245

class Item {
  readonly name: string
  readonly tags: Array<number | string>
  readonly meta: { created: number, owner: Item | null }
  constructor (readonly id: number, owner: Item | null) {
    this.name = `item-${id}`
    this.tags = [id, `t${id % 100}`]
    this.meta = { created: id, owner }
  }
}

class LeakedSession {
  readonly nick: string
  readonly buffer: number[]
  readonly onMessage: (line: string) => void
  constructor (id: number) {
    this.nick = `guest${id}`
    this.buffer = [id, id + 1, id + 2]
    this.onMessage = (line: string) => { this.buffer.push(line.length) }
  }
}

function ballast (mb: number): Map<number, Item> {
  const items = new Map<number, Item>()
  let previous: Item | null = null
  for (let i = 0; i < mb * ITEMS_PER_MB; i++) {
    const item: Item = new Item(i, i % 7 === 0 ? null : previous)
    items.set(i, item)
    previous = item
  }
  return items
}

const [mode, sizeArg, ...rest] = process.argv.slice(2)
const mb = Number(sizeArg)
const keep = ballast(mb)
;(globalThis as Record<string, unknown>).ballast = keep
if (mode === 'single') {
  writeHeapSnapshot(rest[0])
} else if (mode === 'leak') {
  const [clientsArg, dir] = rest as [string, string]
  const clients = Number(clientsArg)
  writeHeapSnapshot(join(dir, 'baseline.heapsnapshot'))
  const registry = new Map<string, LeakedSession>()
  ;(globalThis as Record<string, unknown>).registry = registry
  let transient: LeakedSession[] = []
  for (let i = 0; i < clients; i++) {
    const session = new LeakedSession(i)
    transient.push(session)
    registry.set(session.nick, session) // the bug: never deleted when the client leaves
  }
  ;(globalThis as Record<string, unknown>).transient = transient
  writeHeapSnapshot(join(dir, 'target.heapsnapshot'))
  transient = []
  ;(globalThis as Record<string, unknown>).transient = transient
  writeHeapSnapshot(join(dir, 'final.heapsnapshot'))
} else {
  process.stderr.write('usage: generate-snapshot single MB OUT | leak MB CLIENTS DIR\n')
  process.exitCode = 2
}

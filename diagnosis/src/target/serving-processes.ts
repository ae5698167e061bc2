/**
 * Which processes of a target's tree serve its port — the ones to diagnose. Not the first
 * inspector that prints (npm's own node process, tsx's launcher), and not only the process that
 * listens: in a Node cluster the primary holds the listening socket and hands each connection to
 * a worker, so the workers hold the sessions and are what leaks.
 *
 * How: open a few probe connections to the port and ask every hooked process of the tree
 * (`serving(port)` over its inspector) whether it holds connections accepted on that port, and,
 * for a cluster primary, which workers it has and whether they listen. Served =
 *   processes holding accepted probe connections
 *   ∪ the listening workers of a primary that listens on the port (a worker that got no probe still shares it)
 *   ∪ a process listening on the port itself with no workers (one that closes every connection at once still serves).
 * A cluster primary is reported in the tree but not diagnosed: it holds no connections.
 *
 * `decideServed` is the pure rule; `discoverServing` runs the probes and the questions.
 */
import { once } from 'node:events'
import { connect } from 'node:net'
import type { Socket } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import type { ProcessRecord, ServingReport } from '../hooks/process-record.js'
import { InspectorSession } from '../inspector-session.js'

/** A process the soak diagnoses. */
export interface ServedProcess {
  pid: number
  ppid: number
  /** `worker` for a cluster worker; `process` otherwise. */
  role: 'process' | 'worker'
  inspector: string
  argv: string[]
}

/** One Node process of the target's tree as the report lists it. */
export interface TreeMember {
  pid: number
  ppid: number
  argv: string[]
  inspector: string | null
  /** What it turned out to be. */
  role: 'served' | 'cluster primary' | 'not serving' | 'no inspector' | 'gone'
  /** Connections it held on the port when asked. */
  accepted: number
  listening: boolean
}

export interface ServedDecision {
  served: ServedProcess[]
  tree: TreeMember[]
  /** Cluster workers a primary reported that are not listening yet, or whose record has not appeared. */
  pendingWorkers: number[]
}

/** Worker states after which a worker will never listen (lib/internal/cluster/worker.js). */
const FINISHED_WORKER_STATES = new Set(['dead', 'disconnected'])

/**
 * The rule of the module header, from the records and what each process answered (undefined:
 * not asked yet or gone; see `gone`). Pure.
 */
export function decideServed (
  records: readonly ProcessRecord[],
  reports: ReadonlyMap<number, ServingReport>,
  gone: ReadonlySet<number> = new Set()
): ServedDecision {
  const byPid = new Map(records.map((r) => [r.pid, r]))
  const served = new Set<number>()
  const primaries = new Set<number>()
  const pendingWorkers: number[] = []
  for (const report of reports.values()) {
    if (report.accepted > 0) served.add(report.pid)
    if (!report.listening) continue
    const workers = report.workers.filter((w) => !FINISHED_WORKER_STATES.has(w.state))
    if (workers.length === 0) {
      served.add(report.pid)
      continue
    }
    primaries.add(report.pid)
    for (const w of workers) {
      if (w.state === 'listening' && byPid.has(w.pid)) served.add(w.pid)
      else pendingWorkers.push(w.pid)
    }
  }
  // A primary serves through its workers; it holds accepted connections only for an instant.
  for (const pid of primaries) served.delete(pid)
  const list: ServedProcess[] = []
  const tree: TreeMember[] = records.map((r) => {
    const report = reports.get(r.pid)
    const role: TreeMember['role'] = served.has(r.pid) && r.inspector !== null
      ? 'served'
      : primaries.has(r.pid) ? 'cluster primary' : r.inspector === null ? 'no inspector' : gone.has(r.pid) ? 'gone' : 'not serving'
    if (role === 'served') list.push({ pid: r.pid, ppid: r.ppid, role: r.clusterWorker ? 'worker' : 'process', inspector: r.inspector as string, argv: r.argv })
    return { pid: r.pid, ppid: r.ppid, argv: r.argv, inspector: r.inspector, role, accepted: report?.accepted ?? 0, listening: report?.listening ?? false }
  })
  return { served: list, tree, pendingWorkers }
}

export interface DiscoverOptions {
  /** The tree's records as of now (the registry is read again while workers start). */
  records: () => ProcessRecord[]
  host: string
  port: number
  /** Give up waiting for cluster workers to listen at this `performance.now()` instant. */
  deadline: number
  /** How long to wait for the probes to show up as accepted connections (default 1000 ms). */
  acceptWaitMs?: number
  /** Probe connections opened (default 2 per process of the tree, 2 to 16). */
  probes?: number
}

/**
 * Probes the port and asks every process of the tree. Sessions and probes are closed before it
 * returns; the caller connects its own sessions to the served processes.
 */
export async function discoverServing (o: DiscoverOptions): Promise<ServedDecision> {
  const sessions = new Map<number, InspectorSession | null>()
  const gone = new Set<number>()
  const probes = await openProbes(o.host, o.port, o.probes ?? Math.min(16, Math.max(2, 2 * o.records().length)))
  const started = performance.now()
  const acceptWaitMs = o.acceptWaitMs ?? 1000
  try {
    let decision: ServedDecision
    for (let wait = 25; ; wait = Math.min(wait * 2, 200)) {
      const records = o.records()
      const reports = new Map<number, ServingReport>()
      for (const record of records) {
        const report = await ask(record, o.port, sessions, gone)
        if (report !== undefined) reports.set(record.pid, report)
      }
      decision = decideServed(records, reports, gone)
      const accepted = [...reports.values()].reduce((n, r) => n + r.accepted, 0)
      const now = performance.now()
      // Every probe the server still holds shows up as an accepted connection (one it closed at once cannot).
      const probesIn = accepted >= probes.held() || now - started >= acceptWaitMs
      if ((probesIn && decision.pendingWorkers.length === 0) || now >= o.deadline) break
      await sleep(wait)
    }
    return decision
  } finally {
    for (const socket of probes.sockets) socket.destroy()
    await Promise.all([...sessions.values()].map(async (s) => { await s?.close() }))
  }
}

async function ask (record: ProcessRecord, port: number, sessions: Map<number, InspectorSession | null>, gone: Set<number>): Promise<ServingReport | undefined> {
  if (record.inspector === null || gone.has(record.pid)) return undefined
  let session = sessions.get(record.pid)
  try {
    if (session === undefined) {
      session = await InspectorSession.connect(record.inspector, { timeoutMs: 2000 })
      sessions.set(record.pid, session)
    }
    if (session === null) return undefined
    return await session.serving(port)
  } catch {
    // An exited launcher (npx, tsx's parent after exec), or hooks too old to answer: not ours to diagnose.
    gone.add(record.pid)
    sessions.set(record.pid, null)
    await session?.close()
    return undefined
  }
}

/** Probe connections; `held()` counts those connected and not yet closed or ended by the server. */
async function openProbes (host: string, port: number, count: number): Promise<{ sockets: Socket[], held: () => number }> {
  const sockets: Socket[] = []
  let held = 0
  await Promise.all(Array.from({ length: count }, async () => {
    const socket = connect({ host, port })
    sockets.push(socket)
    socket.on('error', () => undefined) // a refused or reset probe is simply not held
    try {
      await once(socket, 'connect', { signal: AbortSignal.timeout(2000) })
    } catch {
      return
    }
    if (socket.readableEnded || socket.destroyed) return
    held++
    let released = false
    const release = (): void => { if (!released) { released = true; held-- } }
    socket.once('end', release)
    socket.once('close', release)
    socket.resume() // read what the server says, so that its FIN is seen
  }))
  return { sockets, held: () => held }
}

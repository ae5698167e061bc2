/**
 * Main of a loadgen worker process (forked by worker-pool.ts; not a command for people).
 *
 * It runs the clients of its slice with the ordinary engine, whose barriers go through the
 * parent, forwards the engine's events, and sends its result when done. SIGINT is ignored: a
 * Ctrl-C in a terminal reaches the whole process group, and the parent decides how to stop
 * (it sends `stop`, then waits for every worker's partial result). If the parent goes away,
 * the worker stops its clients rather than run on orphaned.
 */
import { LoadRun } from './load-run.js'
import type { Coordinator, BarrierName, RoomCounts } from './coordinator.js'
import { FORWARDED_EVENTS } from './worker-protocol.js'
import type { ParentMessage, WorkerMessage } from './worker-protocol.js'

const send = (m: WorkerMessage, cb?: () => void): void => {
  if (process.connected && process.send !== undefined) process.send(m, undefined, undefined, cb)
  else cb?.()
}

const waiting = new Map<BarrierName, (counts: RoomCounts) => void>()
const coordinator: Coordinator = {
  sync: async (barrier, counts) => await new Promise(resolve => {
    waiting.set(barrier, resolve)
    send({ type: 'sync', barrier, counts })
  })
}

let run: LoadRun | undefined
process.on('SIGINT', () => {})
process.on('disconnect', () => run?.stop('parent process went away'))
process.on('message', (m: ParentMessage) => {
  if (m.type === 'start' && run === undefined) {
    run = new LoadRun({ options: m.options, worker: m.worker, slice: m.slice, epochMs: m.epochMs, rampRate: m.rampRate, coordinator })
    for (const name of FORWARDED_EVENTS) {
      const forward = (payload: unknown): void => send({ type: 'event', name, payload } as WorkerMessage)
      run.on(name, forward as never)
    }
    run.start().then(
      result => send({ type: 'result', result }, () => process.disconnect()),
      (err: Error & { code?: string }) => send({ type: 'failed', code: err.code ?? 'ERR', message: err.message }, () => process.disconnect())
    )
  } else if (m.type === 'sync-ok') {
    const resolve = waiting.get(m.barrier)
    waiting.delete(m.barrier)
    resolve?.(m.counts)
  } else if (m.type === 'stop') {
    run?.stop(m.reason)
  }
})

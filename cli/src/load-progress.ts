/**
 * Live progress of a load run (the loadgen's engine, or a soak round's load driver). It only
 * subscribes to the events and draws:
 * on a TTY one status line rewritten every tick; elsewhere (CI logs, pipes) a line per phase
 * change and a status line every `everyMs` (5 s), so logs stay readable.
 */
import type { DriverTick, LoadDriver } from '../../load/src/load-driver.js'
import type { LoadEngine, TickEvent } from '../../loadgen/src/load-events.js'
import { fmtInt } from './render-load-summary.js'

export interface ProgressStream {
  write: (s: string) => unknown
  isTTY?: boolean
}

/** The status line of a tick, pure. */
export function statusLine (t: TickEvent): string {
  const lag = t.lagP99Ms > 50 ? `  loop lag ${t.lagP99Ms.toFixed(0)} ms!` : ''
  return `${(t.elapsedMs / 1000).toFixed(0).padStart(4)} s  ${t.phase.padEnd(10)} connected ${fmtInt(t.connected)}/${fmtInt(t.target)}  ` +
    `sent ${fmtInt(t.sent)}  delivered/s ${fmtInt(t.deliveredPerS)}  p99 ${t.windowP99Ms.toFixed(1)} ms  errors ${fmtInt(t.errors)}${lag}`
}

/** The status line of a load driver's tick (IRC or HTTP), pure. */
export function driverStatusLine (t: DriverTick): string {
  const lag = t.lagP99Ms > 50 ? `  loop lag ${t.lagP99Ms.toFixed(0)} ms!` : ''
  return `${(t.elapsedMs / 1000).toFixed(0).padStart(4)} s  ${t.phase.padEnd(10)} connected ${fmtInt(t.connected)}/${fmtInt(t.clients)}  ` +
    `sent ${fmtInt(t.sent)}  ${t.completedLabel} ${fmtInt(t.completedPerS)}  p99 ${t.windowP99Ms.toFixed(1)} ms  errors ${fmtInt(t.errors)}${lag}`
}

/** Draws the loadgen engine's progress on `out`; returns a function that stops drawing. */
export function attachLoadProgress (engine: LoadEngine, out: ProgressStream, everyMs = 5000): () => void {
  const onBarrier = (b: { joined: number, failed: number }): void => { note(`barrier: ${fmtInt(b.joined)} joined, ${fmtInt(b.failed)} failed — sending starts`) }
  const { note, detach } = draw(out, everyMs, statusLine, (on) => {
    engine.on('tick', on.tick)
    engine.on('phase', on.phase)
    engine.on('barrier', onBarrier)
    engine.on('done', on.done)
    return () => {
      engine.off('tick', on.tick)
      engine.off('phase', on.phase)
      engine.off('barrier', onBarrier)
      engine.off('done', on.done)
    }
  })
  return detach
}

/** Draws a load driver's progress (the soak's rounds, IRC or HTTP) on `out`; returns a function that stops drawing. */
export function attachDriverProgress (driver: LoadDriver, out: ProgressStream, everyMs = 5000): () => void {
  return draw(out, everyMs, driverStatusLine, (on) => {
    driver.on('tick', on.tick)
    driver.on('phase', on.phase)
    driver.on('note', on.note)
    driver.on('done', on.done)
    return () => {
      driver.off('tick', on.tick)
      driver.off('phase', on.phase)
      driver.off('note', on.note)
      driver.off('done', on.done)
    }
  }).detach
}

interface Handlers<T> {
  tick: (t: T) => void
  phase: (p: string) => void
  note: (line: string) => void
  done: () => void
}

/**
 * On a TTY one status line rewritten every tick; elsewhere a line per phase or note and a
 * status line every `everyMs`. `subscribe` wires the handlers and returns the unwiring.
 */
function draw<T extends { elapsedMs: number }> (out: ProgressStream, everyMs: number, line: (t: T) => string, subscribe: (h: Handlers<T>) => () => void): { note: (line: string) => void, detach: () => void } {
  const tty = out.isTTY === true
  let lastPrinted = -Infinity
  let drawn = false
  const clear = (): void => {
    if (tty && drawn) out.write('\r\x1b[2K')
    drawn = false
  }
  const handlers: Handlers<T> = {
    tick: (t) => {
      if (tty) {
        out.write(`\r\x1b[2K${line(t)}`)
        drawn = true
      } else if (t.elapsedMs - lastPrinted >= everyMs - 50) {
        lastPrinted = t.elapsedMs
        out.write(line(t) + '\n')
      }
    },
    phase: (p) => {
      if (p === 'done') return
      clear()
      out.write(`phase: ${p}\n`)
    },
    note: (text) => {
      clear()
      out.write(`${text}\n`)
    },
    done: clear
  }
  return { note: handlers.note, detach: subscribe(handlers) }
}

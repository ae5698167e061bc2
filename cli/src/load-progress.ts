/**
 * Live progress of a load run. It only subscribes to the engine's events and draws:
 * on a TTY one status line rewritten every tick; elsewhere (CI logs, pipes) a line per phase
 * change and a status line every `everyMs` (5 s), so logs stay readable.
 */
import type { LoadEngine, LoadPhase, TickEvent } from '../../loadgen/src/load-events.js'
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

/** Draws the engine's progress on `out`; returns a function that stops drawing. */
export function attachLoadProgress (engine: LoadEngine, out: ProgressStream, everyMs = 5000): () => void {
  const tty = out.isTTY === true
  let lastPrinted = -Infinity
  let drawn = false
  const onTick = (t: TickEvent): void => {
    if (tty) {
      out.write(`\r\x1b[2K${statusLine(t)}`)
      drawn = true
    } else if (t.elapsedMs - lastPrinted >= everyMs - 50) {
      lastPrinted = t.elapsedMs
      out.write(statusLine(t) + '\n')
    }
  }
  const onPhase = (p: LoadPhase): void => {
    if (p === 'done') return
    if (tty && drawn) out.write('\r\x1b[2K')
    drawn = false
    out.write(`phase: ${p}\n`)
  }
  const onBarrier = (b: { joined: number, failed: number }): void => {
    if (tty && drawn) out.write('\r\x1b[2K')
    drawn = false
    out.write(`barrier: ${fmtInt(b.joined)} joined, ${fmtInt(b.failed)} failed — sending starts\n`)
  }
  const onDone = (): void => {
    if (tty && drawn) out.write('\r\x1b[2K')
  }
  engine.on('tick', onTick)
  engine.on('phase', onPhase)
  engine.on('barrier', onBarrier)
  engine.on('done', onDone)
  return () => {
    engine.off('tick', onTick)
    engine.off('phase', onPhase)
    engine.off('barrier', onBarrier)
    engine.off('done', onDone)
  }
}

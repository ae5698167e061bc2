/**
 * The loadgen watching itself: event-loop delay (perf_hooks.monitorEventLoopDelay, sampled by a
 * libuv timer, so it sees the loop's lateness rather than JavaScript's idea of it) and CPU time
 * (process.cpuUsage). One monitor is reset every tick for the time series; a second one runs
 * only while sending and draining, for the run's verdict: that is when the loop's delay leaks
 * into the latency figures (a slow ramp does not), and an ELD histogram cannot be added to
 * another to derive it from the first.
 */
import { readFileSync } from 'node:fs'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import type { IntervalHistogram } from 'node:perf_hooks'

/** Sampling period of the delay monitors; each sample includes it, so it is subtracted. */
const RESOLUTION_MS = 10

export interface LagSummary {
  p50Ms: number
  p99Ms: number
  maxMs: number
}

/** Event-loop delay and CPU of this process, per window and while sending. */
export class SelfMonitor {
  readonly #window: IntervalHistogram
  readonly #sending: IntervalHistogram
  #startCpu: NodeJS.CpuUsage | undefined
  #startWall = 0
  #windowCpu: NodeJS.CpuUsage | undefined
  #sendCpu: NodeJS.CpuUsage | undefined
  #sendWall = 0
  #sendCpuMs = 0
  #sendWallMs = 0
  #pressure: number | null = null

  constructor () {
    this.#window = monitorEventLoopDelay({ resolution: RESOLUTION_MS })
    this.#sending = monitorEventLoopDelay({ resolution: RESOLUTION_MS })
  }

  start (): void {
    this.#window.enable()
    this.#startCpu = process.cpuUsage()
    this.#windowCpu = this.#startCpu
    this.#startWall = performance.now()
  }

  /** Lag p99 and CPU since the previous call (or start); starts a new window. */
  window (): { lagP99Ms: number, cpuMs: number } {
    const lagP99Ms = lag(this.#window.count === 0 ? 0 : this.#window.percentile(99))
    this.#window.reset()
    const now = process.cpuUsage()
    const cpuMs = this.#windowCpu === undefined ? 0 : cpuMsBetween(this.#windowCpu, now)
    this.#windowCpu = now
    return { lagP99Ms, cpuMs }
  }

  /** Marks the start of sending; CPU per delivery is measured from here to `markSendEnd`. */
  markSendStart (): void {
    this.#sending.enable()
    this.#sendCpu = process.cpuUsage()
    this.#sendWall = performance.now()
  }

  markSendEnd (): void {
    if (this.#sendCpu === undefined) return
    this.#sending.disable()
    this.#sendCpuMs += cpuMsBetween(this.#sendCpu, process.cpuUsage())
    this.#sendWallMs += performance.now() - this.#sendWall
    this.#sendCpu = undefined
    this.#pressure = cpuPressure()
  }

  /** Totals since start (lag: while sending and draining); stops the monitors. */
  finish (): { wallMs: number, cpuUserMs: number, cpuSystemMs: number, sendCpuMs: number, sendWallMs: number, lag: LagSummary, cpuPressure: number | null } {
    this.markSendEnd()
    const cpu = process.cpuUsage(this.#startCpu)
    const h = this.#sending
    const lagSummary = h.count === 0
      ? { p50Ms: 0, p99Ms: 0, maxMs: 0 }
      : { p50Ms: lag(h.percentile(50)), p99Ms: lag(h.percentile(99)), maxMs: lag(h.max) }
    this.#window.disable()
    return {
      wallMs: performance.now() - this.#startWall,
      cpuUserMs: cpu.user / 1000,
      cpuSystemMs: cpu.system / 1000,
      sendCpuMs: this.#sendCpuMs,
      sendWallMs: this.#sendWallMs,
      lag: lagSummary,
      cpuPressure: this.#pressure
    }
  }
}

/**
 * The machine's CPU pressure: % of the last 10 s in which some runnable task waited for a CPU
 * (Linux PSI, /proc/pressure/cpu). High pressure means other processes compete for the cores,
 * so the loop's lag is not only the loadgen's own doing. Null where PSI is unavailable.
 */
export function cpuPressure (): number | null {
  try {
    const m = /^some avg10=([\d.]+)/m.exec(readFileSync('/proc/pressure/cpu', 'latin1'))
    return m === null ? null : Number(m[1])
  } catch {
    return null // no PSI (not Linux, or a kernel without CONFIG_PSI)
  }
}

function lag (ns: number): number {
  return Math.max(0, ns / 1e6 - RESOLUTION_MS)
}

function cpuMsBetween (a: NodeJS.CpuUsage, b: NodeJS.CpuUsage): number {
  return (b.user - a.user + b.system - a.system) / 1000
}

/**
 * Decides whether the loadgen itself limited the run, pure.
 *
 * Latency is measured by the loadgen's own event loop: when that loop is late, every figure
 * includes the loadgen's delay, and when its CPU is saturated it cannot send or read on time.
 * Either way the server's numbers are suspect, so the result says so rather than blaming the
 * server. Thresholds are parameters; the defaults follow the issue (lag p99 > 50 ms).
 */

export interface BottleneckThresholds {
  /** Event-loop delay p99 above which the loadgen is the bottleneck, ms. */
  lagP99Ms: number
  /** Send-timer lateness p99 above which it is, ms. */
  timerLatenessP99Ms: number
  /** CPU use of its one JavaScript thread above which it is, fraction of a core (0–1). */
  cpuFraction: number
}

/** The thresholds: lag or lateness p99 over 50 ms, or 90 % of a core. */
export const DEFAULT_BOTTLENECK_THRESHOLDS: BottleneckThresholds = { lagP99Ms: 50, timerLatenessP99Ms: 50, cpuFraction: 0.9 }

export interface SelfObservation {
  lagP99Ms: number
  timerLatenessP99Ms: number
  /** CPU time over wall time while sending and draining; NaN when there was no such phase. */
  sendCpuFraction: number
}

/** The verdict and its reasons, each naming the figure and the threshold it crossed. */
export function judgeBottleneck (obs: SelfObservation, t: BottleneckThresholds = DEFAULT_BOTTLENECK_THRESHOLDS): { bottleneck: boolean, reasons: string[] } {
  const reasons: string[] = []
  if (obs.lagP99Ms > t.lagP99Ms) reasons.push(`event-loop lag p99 ${obs.lagP99Ms.toFixed(1)} ms > ${t.lagP99Ms} ms`)
  if (obs.timerLatenessP99Ms > t.timerLatenessP99Ms) reasons.push(`send-timer lateness p99 ${obs.timerLatenessP99Ms.toFixed(1)} ms > ${t.timerLatenessP99Ms} ms`)
  if (Number.isFinite(obs.sendCpuFraction) && obs.sendCpuFraction > t.cpuFraction) {
    reasons.push(`CPU ${(obs.sendCpuFraction * 100).toFixed(0)}% of a core while sending > ${(t.cpuFraction * 100).toFixed(0)}%`)
  }
  return { bottleneck: reasons.length > 0, reasons }
}

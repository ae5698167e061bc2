/**
 * A load result as text for people: pure (result in, string out), tables by cli-table3.
 * Colours are left out on purpose: the summary is pasted into issues and CI logs.
 */
import Table from 'cli-table3'
import type { EncodedHistogram } from '../../loadgen/src/histograms.js'
import type { LoadResult } from '../../loadgen/src/load-result.js'

const STYLE = { head: [], border: [] }

/** An integer with thousands separators. */
export function fmtInt (n: number): string {
  return Math.round(n).toLocaleString('en-US')
}

/** Microseconds as milliseconds with sensible precision. */
export function fmtMs (us: number): string {
  const ms = us / 1000
  return ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2)
}

function pct (part: number, whole: number): string {
  return whole === 0 ? '–' : `${((part * 100) / whole).toFixed(part === 0 ? 0 : 3)}%`
}

/** CPU seconds per million deliveries while sending, over all workers. */
export function cpuPerMillion (r: LoadResult): number | undefined {
  const cpuMs = r.self.workers.reduce((n, w) => n + w.sendCpuMs, 0)
  return r.messages.delivered === 0 ? undefined : (cpuMs / 1000) / (r.messages.delivered / 1e6)
}

/** The whole summary: header, outcome, clients, messages, latency, errors, the loadgen itself. */
export function renderLoadSummary (r: LoadResult): string {
  const c = r.config
  const out: string[] = []
  const schedule = c.durationS !== null ? `${c.durationS} s of sending` : `${c.messages ?? 0} msgs/client`
  out.push(`loadgen → ${c.host}:${c.port} · ${fmtInt(c.clients)} clients · ${c.rooms} room(s) of ≤ ${fmtInt(c.roomSize)} · ` +
    `${c.minIntervalMs}–${c.maxIntervalMs} ms · ${schedule} · ${c.workers} worker(s) · ${((r.endedMs - r.startedMs) / 1000).toFixed(1)} s`)
  out.push(`outcome: ${r.outcome}${r.outcome === 'complete' ? '' : ' (partial results)'}`)
  if (r.abort !== null) out.push(`${r.abort.code === 'stopped' ? 'stopped' : `error ${r.abort.code}`}: ${r.abort.message}`)

  const k = r.clients
  out.push('clients')
  const clients = new Table({ head: ['target', 'connected', 'registered', 'joined', 'connect failed', 'join failed', 'dropped early', 'QUIT → closed', 'QUIT timed out', 'nick retries'], style: STYLE })
  clients.push([fmtInt(k.target), fmtInt(k.connected), fmtInt(k.registered), fmtInt(k.joined), fmtInt(k.connectFailed), fmtInt(k.joinFailed),
    fmtInt(k.droppedEarly), fmtInt(k.quitClean), fmtInt(k.quitTimedOut), fmtInt(k.nickRetries)])
  out.push(clients.toString())
  // Results of older builds lack these counts; a run where every client said QUIT has them at 0.
  const hangups = (k.hangupClean ?? 0) + (k.hangupTimedOut ?? 0) + (k.resets ?? 0)
  if (hangups > 0) {
    const left = new Table({ head: ['left with FIN → server closed', 'FIN, server never closed', 'left with reset'], style: STYLE })
    left.push([fmtInt(k.hangupClean ?? 0), fmtInt(k.hangupTimedOut ?? 0), fmtInt(k.resets ?? 0)])
    out.push(left.toString())
  }

  const m = r.messages
  out.push('messages (each expected at every other member of its room)')
  const messages = new Table({ head: ['sent', 'expected', 'delivered', 'lost', 'loss', 'duplicates', 'reordered', 'foreign'], style: STYLE })
  messages.push([fmtInt(m.sent), fmtInt(m.expected), fmtInt(m.delivered), fmtInt(m.lost), pct(m.lost, m.expected), fmtInt(m.duplicates), fmtInt(m.reordered), fmtInt(m.foreign)])
  out.push(messages.toString())

  const latency = new Table({ head: ['latency (ms)', 'count', 'p50', 'p90', 'p99', 'p99.9', 'max'], style: STYLE })
  const row = (name: string, h: EncodedHistogram): string[] => [name, fmtInt(h.count), fmtMs(h.p50), fmtMs(h.p90), fmtMs(h.p99), fmtMs(h.p999), fmtMs(h.max)]
  latency.push(
    row('connect', r.latency.connect),
    row('registration', r.latency.register),
    row('join', r.latency.join),
    row('fan-out (from intended send)', r.latency.fanout),
    row('send-timer lateness', r.latency.timerLateness)
  )
  out.push(latency.toString())

  const errorKinds = Object.entries(r.errors).sort(([, a], [, b]) => b - a)
  if (errorKinds.length > 0) {
    const errors = new Table({ head: ['error', 'count'], style: STYLE })
    for (const [kind, n] of errorKinds) errors.push([kind, fmtInt(n)])
    out.push(errors.toString())
  }

  const self = new Table({ head: ['loadgen', 'pid', 'CPU s (sending)', 'CPU s / M deliveries', 'deliveries / read', 'loop lag p99 ms', 'fd limit'], style: STYLE })
  for (const w of r.self.workers) {
    self.push([`worker ${w.worker}`, String(w.pid), (w.sendCpuMs / 1000).toFixed(2),
      w.delivered === 0 ? '–' : ((w.sendCpuMs / 1000) / (w.delivered / 1e6)).toFixed(2),
      w.reads === 0 ? '–' : (w.delivered / w.reads).toFixed(1),
      w.eventLoopLag.p99Ms.toFixed(1), `${w.fdLimit.soft === Infinity ? '∞' : w.fdLimit.soft}${w.fdLimit.raised ? ' (raised)' : ''}`])
  }
  const perMillion = cpuPerMillion(r)
  if (r.self.workers.length > 1) {
    const reads = r.self.workers.reduce((n, w) => n + w.reads, 0)
    self.push(['all', '', (r.self.workers.reduce((n, w) => n + w.sendCpuMs, 0) / 1000).toFixed(2),
      perMillion === undefined ? '–' : perMillion.toFixed(2), reads === 0 ? '–' : (m.delivered / reads).toFixed(1),
      Math.max(...r.self.workers.map(w => w.eventLoopLag.p99Ms)).toFixed(1), ''])
  }
  out.push(self.toString())
  out.push(r.self.bottleneck
    ? `LOADGEN IS THE BOTTLENECK — latency figures are suspect: ${r.self.reasons.join('; ')}`
    : 'loadgen was not the bottleneck (loop lag, timer lateness and CPU within limits)')
  const pressure = Math.max(...r.self.workers.map(w => w.cpuPressure ?? 0))
  if (pressure >= 10) out.push(`machine CPU pressure ${pressure.toFixed(0)}% (Linux PSI): other processes competed for the cores while sending`)
  return out.join('\n') + '\n'
}

/**
 * What the soak keeps of a loadgen result: the load summary of the report model and each
 * client's lifecycle for the lifecycle match. Pure.
 */
import type { ClientRecord, LoadResult } from '../../loadgen/src/load-result.js'
import type { ClientLifecycle } from '../../diagnosis/src/lifecycle-match.js'
import type { LoadSummary } from './report-model.js'

/** The report's load numbers; latencies are fan-out latencies from the intended send time. */
export function summarizeLoad (r: LoadResult): LoadSummary {
  const fanout = r.latency.fanout
  const ms = (us: number): number => Math.round(us) / 1000
  return {
    clients: r.clients.target,
    connected: r.clients.connected,
    messagesSent: r.messages.sent,
    expected: r.messages.expected,
    delivered: r.messages.unique,
    lost: r.messages.lost,
    lossRatio: r.messages.expected === 0 ? 0 : r.messages.lost / r.messages.expected,
    latencyMs: { p50: ms(fanout.p50), p99: ms(fanout.p99), max: ms(fanout.max) },
    durationMs: r.endedMs - r.startedMs
  }
}

/**
 * A loadgen client record as the lifecycle match reads it: `localAddress` is `ip:port`, the
 * way the server logs its `remote` (`[ip]:port` for IPv6).
 */
export function clientLifecycle (c: ClientRecord): ClientLifecycle {
  const lifecycle: ClientLifecycle = { nick: c.nick }
  if (c.localAddress !== null && c.localPort !== null) {
    lifecycle.localAddress = c.localAddress.includes(':') ? `[${c.localAddress}]:${c.localPort}` : `${c.localAddress}:${c.localPort}`
  }
  if (c.connectedMs !== null) lifecycle.connectedAt = c.connectedMs
  if (c.registeredMs !== null) lifecycle.registeredAt = c.registeredMs
  if (c.closedMs !== null) lifecycle.closedAt = c.closedMs
  if (c.closedBy !== null) lifecycle.closedBy = c.closedBy
  return lifecycle
}

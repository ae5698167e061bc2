/**
 * The bundled server's NDJSON lifecycle log (docs/architecture.md, "Server process"): one pino
 * JSON object per line, lifecycle events carrying an `event` field. Other log lines (startup,
 * warnings) and malformed lines are skipped, never fatal: the log is evidence, not input we
 * control. Pure.
 */

export type CloseBy = 'client' | 'server' | 'error' | 'timeout'

export type LifecycleEvent =
  | { event: 'open', conn: string, remote: string, time?: number }
  | { event: 'registered', conn: string, nick: string, time?: number }
  | { event: 'nick', conn: string, from: string, to: string, time?: number }
  | { event: 'close', conn: string, nick: string | null, reason: string, by: CloseBy, time?: number }

const CLOSE_BY = new Set<string>(['client', 'server', 'error', 'timeout'])

/** Parses one log line; undefined when it is not a lifecycle event. */
export function parseLifecycleLine (line: string): LifecycleEvent | undefined {
  const trimmed = line.trim()
  if (!trimmed.startsWith('{')) return undefined
  let value: unknown
  try {
    value = JSON.parse(trimmed)
  } catch {
    return undefined // a torn or foreign line; lifecycle accounting reports what it could match
  }
  if (value === null || typeof value !== 'object') return undefined
  const o = value as Record<string, unknown>
  // Connection ids may be numbers or strings depending on the server; compare them as strings.
  const conn = typeof o['conn'] === 'number' || typeof o['conn'] === 'string' ? String(o['conn']) : undefined
  if (conn === undefined) return undefined
  const time = typeof o['time'] === 'number' ? { time: o['time'] } : {}
  switch (o['event']) {
    case 'open':
      return typeof o['remote'] === 'string' ? { event: 'open', conn, remote: o['remote'], ...time } : undefined
    case 'registered':
      return typeof o['nick'] === 'string' ? { event: 'registered', conn, nick: o['nick'], ...time } : undefined
    case 'nick':
      return typeof o['from'] === 'string' && typeof o['to'] === 'string' ? { event: 'nick', conn, from: o['from'], to: o['to'], ...time } : undefined
    case 'close': {
      const by = typeof o['by'] === 'string' && CLOSE_BY.has(o['by']) ? o['by'] as CloseBy : undefined
      if (by === undefined) return undefined
      return { event: 'close', conn, nick: typeof o['nick'] === 'string' ? o['nick'] : null, reason: typeof o['reason'] === 'string' ? o['reason'] : '', by, ...time }
    }
    default:
      return undefined
  }
}

/** Parses a whole log (NDJSON text), keeping lifecycle events in order. */
export function parseLifecycleLog (text: string): LifecycleEvent[] {
  const events: LifecycleEvent[] = []
  for (const line of text.split('\n')) {
    const event = parseLifecycleLine(line)
    if (event !== undefined) events.push(event)
  }
  return events
}

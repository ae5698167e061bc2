/**
 * Merges the results of several workers or machines into one, pure and exact.
 *
 * Counts add; histograms are decoded, added bucket by bucket and re-encoded, so percentiles of
 * the merge equal those of one histogram fed every sample; `lost` is recomputed from the sums,
 * because a room split over two workers has its senders' `expected` in one result and its
 * receivers' `unique` in the other. The outcome is the worst of the inputs. `config` is taken
 * from the first result (workers of one run share it).
 */
import { mergeEncodedHistograms } from './histograms.js'
import { LOAD_RESULT_FORMAT, LOAD_RESULT_VERSION, OUTCOME_SEVERITY, parseLoadResult } from './load-result.js'
import type { ClientCounts, LoadResult, MessageCounts, RoomStats } from './load-result.js'
import { mergeSeries } from './time-series.js'
import { LoadResultFormatError } from './errors.js'

/**
 * Merges load results.
 * @throws {LoadResultFormatError} when the list is empty or an entry has another format/version
 */
export function mergeLoadResults (results: readonly LoadResult[]): LoadResult {
  if (results.length === 0) throw new LoadResultFormatError({ field: 'results', value: [], expected: 'at least one load result' })
  for (const r of results) parseLoadResult(r)
  const first = results[0] as LoadResult
  const worst = results.reduce((a, b) => (OUTCOME_SEVERITY[b.outcome] > OUTCOME_SEVERITY[a.outcome] ? b : a))
  const messages: MessageCounts = sumCounts(results.map(r => r.messages))
  messages.lost = Math.max(0, messages.expected - messages.unique)
  const records = results.some(r => r.clientRecords !== null)
    ? results.flatMap(r => r.clientRecords ?? []).sort((a, b) => a.id - b.id)
    : null
  const workers = results.flatMap(r => r.self.workers)
  return {
    format: LOAD_RESULT_FORMAT,
    version: LOAD_RESULT_VERSION,
    config: first.config,
    epochMs: Math.min(...results.map(r => r.epochMs)),
    startedMs: Math.min(...results.map(r => r.startedMs)),
    endedMs: Math.max(...results.map(r => r.endedMs)),
    outcome: worst.outcome,
    abort: worst.abort ?? results.find(r => r.abort !== null)?.abort ?? null,
    clients: sumCounts<ClientCounts>(results.map(r => r.clients)),
    messages,
    latency: {
      connect: mergeEncodedHistograms(results.map(r => r.latency.connect), 'latency.connect'),
      register: mergeEncodedHistograms(results.map(r => r.latency.register), 'latency.register'),
      join: mergeEncodedHistograms(results.map(r => r.latency.join), 'latency.join'),
      fanout: mergeEncodedHistograms(results.map(r => r.latency.fanout), 'latency.fanout'),
      timerLateness: mergeEncodedHistograms(results.map(r => r.latency.timerLateness), 'latency.timerLateness')
    },
    errors: sumCounts<Record<string, number>>(results.map(r => r.errors)),
    series: mergeSeries(results.map(r => r.series)),
    self: {
      bottleneck: results.some(r => r.self.bottleneck),
      reasons: [...new Set(results.flatMap(r => r.self.reasons))].sort(),
      workers: workers.sort((a, b) => a.worker - b.worker || a.pid - b.pid)
    },
    rooms: mergeRooms(results.map(r => r.rooms)),
    clientRecords: records
  }
}

/** Adds records of counts key by key (a key missing from one record counts as 0). */
function sumCounts<T extends { [K in keyof T]: number }> (list: readonly T[]): T {
  const out: Record<string, number> = {}
  for (const rec of list) {
    for (const [k, v] of Object.entries(rec) as Array<[string, number]>) out[k] = (out[k] ?? 0) + v
  }
  // Sorted keys: merge order must not change the JSON.
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) as unknown as T
}

function mergeRooms (lists: readonly RoomStats[][]): RoomStats[] {
  const byRoom = new Map<number, RoomStats>()
  for (const list of lists) {
    for (const r of list) {
      const prev = byRoom.get(r.room)
      byRoom.set(r.room, prev === undefined
        ? { ...r }
        : {
            room: r.room,
            channel: prev.channel,
            // Every worker learns the room's global membership at the barrier.
            members: Math.max(prev.members, r.members),
            sent: prev.sent + r.sent,
            expected: prev.expected + r.expected,
            unique: prev.unique + r.unique,
            duplicates: prev.duplicates + r.duplicates,
            reordered: prev.reordered + r.reordered
          })
    }
  }
  return [...byRoom.values()].sort((a, b) => a.room - b.room)
}

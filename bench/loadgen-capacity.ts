/**
 * Benchmark 2 — how many clients the loadgen itself can drive.
 *
 * Part A, one process: growing numbers of clients at 1–3 s intervals in rooms of 10 against
 * one server; the capacity is the largest count whose send-timer lateness p99 stays under
 * 10 ms (a late timer means the loadgen, not the server, sets the pace).
 * Part B, across workers: the goal of 50,000 clients over several worker processes. No process
 * here may hold more than its hard fd limit (20,000, not raisable without CAP_SYS_RESOURCE), the
 * server included, so the rooms are spread over as many server instances as workers.
 * The server is inspircd by default: ngircd walks all its connections on every loop iteration
 * and saturates its core from about 5,000 active clients, which would measure ngircd instead.
 * Both parts report the loadgen's CPU seconds per million deliveries received and deliveries per
 * socket read, which is what that cost depends on, and compare its CPU per read with a bare Node
 * reader on as many sockets in the same run (bench/read-floor.ts): the platform's floor.
 *
 *   node dist/bench/loadgen-capacity.js [--counts 1000,2500,5000,10000,15000] [--seconds 20]
 *                                       [--total 50000] [--workers 3] [--room-size 10] [--write]
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import yargs from 'yargs'
import { createLoad } from '../loadgen/src/create-load.js'
import { startServer } from './irc-servers.js'
import type { RunningServer, ServerKind } from './irc-servers.js'
import { machineInfo, machineLine, waitForQuiet } from './machine.js'
import { markdownTable, writeBenchSection } from './bench-doc.js'
import { round } from './numbers.js'
import { measureReadFloor } from './read-floor.js'

interface Row {
  part: 'A' | 'B'
  clients: number
  roomSize: number
  workers: number
  joined: number
  sent: number
  deliveries: number
  timerLatenessP99Ms: number
  lagP99Ms: number
  fanoutP99Ms: number
  loadgenCpuS: number
  loadgenCpuPerM: number
  deliveriesPerRead: number
  /** Loadgen CPU per socket read while sending, µs (sends and timers included). */
  cpuUsPerRead: number
  /** A bare Node reader's CPU per read on as many sockets at the same rate (bench/read-floor.ts). */
  floorUsPerRead: number
  /** Loadgen CPU while sending, % of one core, summed over workers. */
  loadgenCpuPct: number
  lost: number
  outcome: string
  abort: string | null
  /** Machine CPU pressure (PSI some avg10, %) before the run and when sending ended. */
  pressure: string
}

const argv = yargs(process.argv.slice(2))
  .options({
    counts: { type: 'string', default: '1000,2500,5000,10000,15000' },
    seconds: { type: 'number', default: 20 },
    total: { type: 'number', default: 50_000 },
    workers: { type: 'number', default: 3 },
    server: { type: 'string', default: 'inspircd' },
    'room-size': { type: 'number', default: 10 },
    'workers-room-sizes': { type: 'string', default: '10,2' },
    'skip-workers': { type: 'boolean', default: false },
    'max-pressure': { type: 'number', default: 10 },
    write: { type: 'boolean', default: false }
  })
  .strict()
  .parseSync()

const machine = machineInfo()
const rows: Row[] = []

async function measure (part: 'A' | 'B', clients: number, workers: number, servers: RunningServer[], roomSize: number): Promise<Row> {
  const engine = createLoad({
    port: servers.map(s => s.port), clients, workers, roomSize, minIntervalMs: 1000, maxIntervalMs: 3000,
    durationS: argv.seconds, connectRate: 700 * servers.length, drainTimeoutMs: 5000, seed: 2
  })
  // Other jobs share this machine: start when it is quiet (bounded), and record the pressure.
  const pressureBefore = await waitForQuiet(argv['max-pressure'], 90_000)
  const r = await engine.start()
  const cpuMs = r.self.workers.reduce((n, w) => n + w.sendCpuMs, 0)
  // The peer, right after: a bare reader on as many sockets, fed what each client received
  // (room size − 1 messages per mean 2 s interval), capped at one process's fd limit.
  const floor = await measureReadFloor(Math.min(clients, 15_000), (roomSize - 1) / 2)
  const wallMs = Math.max(...r.self.workers.map(w => w.sendWallMs))
  const reads = r.self.workers.reduce((n, w) => n + w.reads, 0)
  const row: Row = {
    part,
    clients,
    roomSize,
    workers,
    joined: r.clients.joined,
    sent: r.messages.sent,
    deliveries: r.messages.delivered,
    timerLatenessP99Ms: round(r.latency.timerLateness.p99 / 1000, 1),
    lagP99Ms: round(Math.max(...r.self.workers.map(w => w.eventLoopLag.p99Ms)), 1),
    fanoutP99Ms: round(r.latency.fanout.p99 / 1000, 1),
    loadgenCpuS: round(cpuMs / 1000, 2),
    loadgenCpuPerM: r.messages.delivered === 0 ? NaN : round((cpuMs / 1000) / (r.messages.delivered / 1e6), 2),
    deliveriesPerRead: reads === 0 ? 0 : round(r.messages.delivered / reads, 2),
    cpuUsPerRead: reads === 0 ? 0 : round((cpuMs * 1000) / reads, 2),
    floorUsPerRead: floor.cpuUsPerRead,
    loadgenCpuPct: wallMs === 0 ? 0 : Math.round((100 * cpuMs) / wallMs),
    lost: r.messages.lost,
    outcome: r.outcome,
    abort: r.abort?.message ?? null,
    pressure: `${pressureBefore ?? '?'} → ${Math.max(...r.self.workers.map(w => w.cpuPressure ?? 0))}`
  }
  console.error(JSON.stringify(row))
  return row
}

// Part A: one process, one server.
for (const clients of argv.counts.split(',').map(Number)) {
  const server = await startServer(argv.server as ServerKind)
  try {
    rows.push(await measure('A', clients, 1, [server], argv['room-size']))
  } finally {
    await server.stop()
  }
}

// Part B: the total over workers, one server per worker.
if (!argv['skip-workers']) {
  const servers: RunningServer[] = []
  try {
    for (let i = 0; i < argv.workers; i++) servers.push(await startServer(argv.server as ServerKind))
    for (const roomSize of argv['workers-room-sizes'].split(',').map(Number)) rows.push(await measure('B', argv.total, argv.workers, servers, roomSize))
  } catch (err) {
    console.error(`part B failed: ${(err as Error).message}`)
  } finally {
    await Promise.all(servers.map(async s => await s.stop()))
  }
}

mkdirSync('bench/.work', { recursive: true })
writeFileSync('bench/.work/loadgen-capacity.json', JSON.stringify({ machine, args: argv, rows }, null, 2))
const markdown = render()
console.log(markdown)
if (argv.write) writeBenchSection('docs/benchmarks.md', 'loadgen-capacity', markdown)

function render (): string {
  const capacity = rows.filter(r => r.part === 'A' && r.timerLatenessP99Ms < 10 && r.outcome === 'complete' && r.joined === r.clients)
    .sort((a, b) => b.clients - a.clients)[0]
  return [
    `Run: \`node dist/bench/loadgen-capacity.js --server ${argv.server} --counts ${argv.counts} --seconds ${argv.seconds} --total ${argv.total} --workers ${argv.workers} --room-size ${argv['room-size']} --workers-room-sizes ${argv['workers-room-sizes']}\``,
    '',
    `Machine: ${machineLine(machine)}`,
    '',
    markdownTable(
      ['part', 'clients', 'workers', 'room size', 'joined', 'deliveries', 'timer lateness p99 ms', 'loop lag p99 ms', 'fan-out p99 ms', 'loadgen CPU % (sending)', 'loadgen CPU s / M deliveries', 'deliveries / read', 'CPU µs / read (× floor)', 'lost', 'outcome', 'CPU pressure % (before → end)'],
      rows.map(r => [r.part, r.clients.toLocaleString('en-US'), r.workers, r.roomSize, r.joined.toLocaleString('en-US'), r.deliveries.toLocaleString('en-US'), r.timerLatenessP99Ms,
        r.lagP99Ms, r.fanoutP99Ms, r.loadgenCpuPct, r.loadgenCpuPerM, r.deliveriesPerRead, `${r.cpuUsPerRead} (${round(r.cpuUsPerRead / r.floorUsPerRead, 2)}×)`,
        r.lost, r.abort === null ? r.outcome : `${r.outcome}: ${r.abort}`, r.pressure])
    ),
    '',
    '× floor: the loadgen\'s CPU per read (its sends and timers included) over that of a bare Node reader (`onread`, counting newlines only) ' +
      'measured right after each row on as many loopback sockets (at most 15,000) fed at the same rate per socket.',
    '',
    `Clients per process with timer lateness p99 < 10 ms: ${capacity === undefined ? 'none of the counts tried' : `${capacity.clients.toLocaleString('en-US')} (the largest count tried that met it)`}.`
  ].join('\n')
}

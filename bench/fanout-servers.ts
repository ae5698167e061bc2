/**
 * Benchmark 1 — server fan-out side by side.
 *
 * One room of N clients (500), the same loadgen, the same run: for each send-interval range and
 * each server (reference, ngircd, inspircd) a fresh server on loopback, a ramp, S seconds of
 * sending, a drain. Per run: the server's CPU seconds per million deliveries — user and system
 * (kernel) time apart, from /proc/<pid>/stat over the sending and draining phases — fan-out
 * p50/p99, loss, the loadgen's reads per delivery and its own verdict (on two cores the loadgen
 * and the server share the machine, and the loadgen can saturate first). Servers are
 * interleaved within each rate, and with `--repeat` the order rotates every round, so that
 * drifting machine load hits them alike; the summary reports medians and the range.
 *
 * A server is `reference`, `ngircd`, `inspircd`, or `LABEL=DIR[@ARGS]`: the reference server as
 * built in checkout DIR (its `dist/`) with extra arguments, to compare builds or settings in
 * the same run.
 *
 *   node dist/bench/fanout-servers.js [--clients 500] [--seconds 15] [--servers reference,ngircd,inspircd]
 *                                    [--rates 1000-3000,500-1500,250-750,125-375] [--repeat 1]
 *                                    [--profile DIR] [--write]
 *                                    [--render-only]   (re-render bench/.work/fanout-servers.json)
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import yargs from 'yargs'
import { createLoad } from '../loadgen/src/create-load.js'
import type { LoadResult } from '../loadgen/src/load-result.js'
import { parseServerSpec, startServer } from './irc-servers.js'
import type { CpuTimes, ServerSpec } from './irc-servers.js'
import { machineInfo, machineLine, waitForQuiet } from './machine.js'
import { markdownTable, writeBenchSection } from './bench-doc.js'
import { median, round } from './numbers.js'

interface Row {
  server: string
  interval: string
  /** 1-based repetition. */
  round: number
  /** Messages per second the room was asked to send (clients / mean interval). */
  offeredMsgsPerS: number
  deliveries: number
  deliveriesPerS: number
  serverCpuS: number
  serverCpuPerM: number
  serverUserPerM: number
  serverSysPerM: number
  p50Ms: number
  p99Ms: number
  lost: number
  lossPct: number
  loadgenCpuPerM: number
  /** Deliveries per socket read in the loadgen: how many lines the server put in each write. */
  deliveriesPerRead: number
  loadgenBottleneck: boolean
  loadgenReasons: string[]
  /** Machine CPU pressure (PSI some avg10, %) before the run and when sending ended. */
  pressure: string
  outcome: string
}

const argv = yargs(process.argv.slice(2))
  .options({
    clients: { type: 'number', default: 500 },
    seconds: { type: 'number', default: 15 },
    servers: { type: 'string', default: 'reference,ngircd,inspircd' },
    rates: { type: 'string', default: '1000-3000,500-1500,250-750,125-375' },
    repeat: { type: 'number', default: 1 },
    profile: { type: 'string', describe: 'write a V8 CPU profile of every reference server run into this directory' },
    'max-pressure': { type: 'number', default: 10 },
    'render-only': { type: 'boolean', default: false },
    write: { type: 'boolean', default: false }
  })
  .strict()
  .parseSync()

const root = process.cwd()
const specs: ServerSpec[] = argv.servers.split(',').map(s => s.trim()).filter(s => s !== '').map(parseServerSpec).filter(spec => {
  if (argv['render-only'] || spec.kind !== 'reference' || existsSync(`${spec.root ?? root}/dist/scripts/server.js`)) return true
  console.error(`${spec.label}: reference server not built (${spec.root ?? root}/dist/scripts/server.js missing): skipped`)
  return false
})
const labels = specs.map(s => s.label)
const rates = argv.rates.split(',').map(r => r.split('-').map(Number) as [number, number])
const saved = argv['render-only'] ? JSON.parse(readFileSync('bench/.work/fanout-servers.json', 'utf8')) as { machine: ReturnType<typeof machineInfo>, rows: Row[] } : undefined
const machine = saved?.machine ?? machineInfo()
const rows: Row[] = saved?.rows ?? []
const nodeArgs = argv.profile === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', resolve(argv.profile)]

for (const [min, max] of saved === undefined ? rates : []) {
  for (let rep = 1; rep <= argv.repeat; rep++) {
    // Rotate the order each round: whoever runs first after a pause meets a quieter machine.
    const order = specs.map((_, i) => specs[(i + rep - 1) % specs.length] as ServerSpec)
    for (const spec of order) rows.push(await measure(spec, min, max, rep))
  }
}

mkdirSync('bench/.work', { recursive: true })
if (saved === undefined) writeFileSync('bench/.work/fanout-servers.json', JSON.stringify({ machine, clients: argv.clients, seconds: argv.seconds, rows }, null, 2))
const markdown = render()
console.log(markdown)
if (argv.write) writeBenchSection('docs/benchmarks.md', 'fanout-servers', markdown)

async function measure (spec: ServerSpec, min: number, max: number, rep: number): Promise<Row> {
  const server = await startServer(spec.kind, { root: spec.root ?? root, args: spec.args, nodeArgs: spec.kind === 'reference' ? nodeArgs : [] })
  try {
    const engine = createLoad({
      port: server.port, clients: argv.clients, minIntervalMs: min, maxIntervalMs: max, durationS: argv.seconds,
      connectRate: 400, drainTimeoutMs: 5000, seed: 1
    })
    let cpuAtSend: CpuTimes = { user: 0, system: 0 }
    let cpuAtQuit: CpuTimes = { user: 0, system: 0 }
    let sendStart = 0
    let sendEnd = 0
    engine.on('phase', p => {
      if (p === 'sending') { cpuAtSend = server.cpuTimes(); sendStart = performance.now() }
      if (p === 'quitting') { cpuAtQuit = server.cpuTimes(); sendEnd = performance.now() }
    })
    // Other jobs share this machine: start when it is quiet (bounded), and record the pressure.
    const pressureBefore = await waitForQuiet(argv['max-pressure'], 90_000)
    const r: LoadResult = await engine.start()
    const user = cpuAtQuit.user - cpuAtSend.user
    const system = cpuAtQuit.system - cpuAtSend.system
    const delivered = r.messages.delivered
    const perM = (seconds: number, digits = 3): number => round(seconds / (delivered / 1e6), digits)
    const loadgenCpuS = r.self.workers.reduce((n, w) => n + w.sendCpuMs, 0) / 1000
    const reads = r.self.workers.reduce((n, w) => n + w.reads, 0)
    const row: Row = {
      server: spec.label,
      interval: `${min}–${max} ms`,
      round: rep,
      offeredMsgsPerS: Math.round(argv.clients / ((min + max) / 2000)),
      deliveries: delivered,
      deliveriesPerS: Math.round(delivered / ((sendEnd - sendStart) / 1000)),
      serverCpuS: round(user + system, 2),
      serverCpuPerM: perM(user + system),
      serverUserPerM: perM(user),
      serverSysPerM: perM(system),
      p50Ms: round(r.latency.fanout.p50 / 1000, 1),
      p99Ms: round(r.latency.fanout.p99 / 1000, 1),
      lost: r.messages.lost,
      lossPct: r.messages.expected === 0 ? 0 : round((100 * r.messages.lost) / r.messages.expected, 3),
      loadgenCpuPerM: perM(loadgenCpuS, 2),
      deliveriesPerRead: reads === 0 ? 0 : round(delivered / reads, 2),
      loadgenBottleneck: r.self.bottleneck,
      loadgenReasons: r.self.reasons,
      pressure: `${pressureBefore ?? '?'} → ${Math.max(...r.self.workers.map(w => w.cpuPressure ?? 0))}`,
      outcome: r.outcome
    }
    console.error(JSON.stringify(row))
    return row
  } finally {
    await server.stop()
  }
}

function render (): string {
  const out: string[] = []
  const repeat = Math.max(...rows.map(r => r.round))
  out.push(`Run: \`node dist/bench/fanout-servers.js --clients ${argv.clients} --seconds ${argv.seconds} --servers ${argv.servers} --rates ${argv.rates}${repeat > 1 ? ` --repeat ${repeat}` : ''}\``)
  out.push('')
  out.push(`Machine: ${machineLine(machine)}`)
  out.push('')
  const groups = groupRows()
  if (repeat > 1) {
    out.push(`Medians of ${repeat} runs per row, (min–max) where it matters; user and sys split the server's CPU s / M deliveries.`)
    out.push('')
  }
  out.push(markdownTable(
    ['server', 'interval', 'offered msg/s', 'deliveries/s', 'server CPU s / M deliveries', 'user', 'sys', 'fan-out p50 ms', 'fan-out p99 ms',
      'lost', 'loadgen CPU s / M', 'deliveries / loadgen read', 'loadgen bottleneck', 'CPU pressure % (before → end)'],
    groups.map(g => {
      const r = g.rows
      const pick = (f: (x: Row) => number): number[] => r.map(f)
      const lost = r.reduce((n, x) => n + x.lost, 0)
      const saturated = r.filter(x => x.loadgenBottleneck)
      return [g.server, g.interval, r[0]?.offeredMsgsPerS ?? 0, Math.round(median(pick(x => x.deliveriesPerS))).toLocaleString('en-US'),
        withRange(pick(x => x.serverCpuPerM), 3), withRange(pick(x => x.serverUserPerM), 3), withRange(pick(x => x.serverSysPerM), 3),
        round(median(pick(x => x.p50Ms)), 1), withRange(pick(x => x.p99Ms), 1),
        lost === 0 ? '0' : `${lost} (${round(median(pick(x => x.lossPct)), 3)}%)`, round(median(pick(x => x.loadgenCpuPerM)), 2),
        round(median(pick(x => x.deliveriesPerRead)), 2),
        saturated.length === 0 ? 'no' : `${r.length > 1 ? `${saturated.length} of ${r.length}: ` : 'yes: '}${[...new Set(saturated.flatMap(x => x.loadgenReasons))].join('; ')}`,
        r.map(x => x.pressure).join(', ')]
    })
  ))
  out.push('')
  // Latency is measured from the intended send time, so a late loadgen only adds to it: a row
  // under 100 ms with a saturated loadgen is still a server under 100 ms (an upper bound).
  out.push('Highest rate per server with fan-out p99 < 100 ms and no loss' + (repeat > 1 ? ' (in every run):' : ':'))
  out.push('')
  for (const label of labels) {
    const mine = groups.filter(g => g.server === label)
    const ok = mine.filter(g => g.rows.every(r => r.p99Ms < 100 && r.lost === 0 && r.outcome === 'complete'))
    const best = ok.sort((a, b) => offered(b) - offered(a))[0]
    const top = [...mine].sort((a, b) => offered(b) - offered(a))[0]
    out.push(`- ${label}: ${best === undefined
      ? 'none of the rates'
      : `${best.interval} (${offered(best)} msg/s, ${Math.round(median(best.rows.map(r => r.deliveriesPerS))).toLocaleString('en-US')} deliveries/s)` +
        `${best.rows.some(r => r.loadgenBottleneck) ? ', with the loadgen saturated (its delay is included, so the server did at least this well)' : ''}` +
        `${best === top ? ' — the highest rate tried' : ''}`}`)
  }
  // Ratios of medians, and the range of the ratios of runs in the same round (neighbours in
  // time, so they met the same machine): each peer server against each reference-server
  // setting (the goal is ngircd / reference ≥ 1.5), and each other setting against the default.
  const references = specs.filter(s => s.kind === 'reference').map(s => s.label)
  const pairs: Array<[string, string]> = [
    ...specs.filter(s => s.kind !== 'reference').flatMap(p => references.map(r => [p.label, r] as [string, string])),
    ...(labels.includes('reference') ? references.filter(r => r !== 'reference').map(r => [r, 'reference'] as [string, string]) : [])
  ]
  for (const [num, den] of pairs) {
    out.push('')
    out.push(`CPU per delivery, ${num} / ${den}${num === 'ngircd' ? ' (≥ 1.5 is the goal)' : ''}:`)
    out.push('')
    for (const [min, max] of rates) {
      const interval = `${min}–${max} ms`
      const p = groups.find(g => g.server === num && g.interval === interval)
      const ref = groups.find(g => g.server === den && g.interval === interval)
      if (p === undefined || ref === undefined) continue
      const ratio = median(p.rows.map(r => r.serverCpuPerM)) / median(ref.rows.map(r => r.serverCpuPerM))
      const perRound = p.rows.flatMap(pr => {
        const rr = ref.rows.find(x => x.round === pr.round)
        return rr === undefined ? [] : [pr.serverCpuPerM / rr.serverCpuPerM]
      })
      const userRatio = median(p.rows.map(r => r.serverUserPerM)) / median(ref.rows.map(r => r.serverUserPerM))
      out.push(`- ${interval}: ${round(ratio, 2)}${perRound.length > 1 ? ` (per round ${round(Math.min(...perRound), 2)}–${round(Math.max(...perRound), 2)})` : ''}; user time alone ${round(userRatio, 2)}`)
    }
  }
  return out.join('\n')
}

function groupRows (): Array<{ server: string, interval: string, rows: Row[] }> {
  const groups: Array<{ server: string, interval: string, rows: Row[] }> = []
  for (const r of rows) {
    let g = groups.find(x => x.server === r.server && x.interval === r.interval)
    if (g === undefined) groups.push(g = { server: r.server, interval: r.interval, rows: [] })
    g.rows.push(r)
  }
  // The order the tables have always had: rate by rate, servers in the order asked for.
  return groups.sort((a, b) => offered(a) - offered(b) || labels.indexOf(a.server) - labels.indexOf(b.server))
}

function offered (g: { rows: Row[] }): number {
  return g.rows[0]?.offeredMsgsPerS ?? 0
}

function withRange (values: number[], digits: number): string {
  const m = round(median(values), digits)
  return values.length < 2 ? String(m) : `${m} (${round(Math.min(...values), digits)}–${round(Math.max(...values), digits)})`
}

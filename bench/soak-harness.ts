/**
 * The soak harness's own time beyond the load phase (issue 4's goal: ≤ 10 s for 500 clients).
 *
 * Runs `npm run soak -- --clients N` (the built entry point, the bundled server, every default)
 * several times, one after the other, and reads where each run's time went from the phase
 * timings its report.json records; then regenerates its section of docs/benchmarks.md with
 * `--write`. There is no peer to compare with: the number is the harness's overhead itself,
 * next to the load it wraps in the same run. `--from` renders existing reports instead.
 *
 *   npm run build && node dist/bench/soak-harness.js [--runs 3] [--clients 500] [--write]
 *   node dist/bench/soak-harness.js --from reports/a/report.json,reports/b/report.json --write
 */
import { spawnSync } from 'node:child_process'
import { mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import yargs from 'yargs'
import type { SoakReport } from '../soak/src/report-model.js'
import { machineInfo, machineLine, waitForQuiet } from './machine.js'
import { markdownTable, writeBenchSection } from './bench-doc.js'

/** Phase groups of the table, in the order they run; round phases are summed over rounds. */
const GROUPS: ReadonlyArray<[string, RegExp]> = [
  ['start target (spawn, hooks, inspector URL)', /^start target$/],
  ['connect inspector', /^connect inspector$/],
  ['warm-up (load + drain)', /^warm-up$/],
  ['baseline (settle, inventory, GC, snapshot)', /^baseline$/],
  ['settle, all rounds', /^settle round \d+$/],
  ['inventory + GC, all rounds', /^inventory round \d+$/],
  ['heap snapshots, all rounds', /^snapshot round \d+$/],
  ['heap comparison (runs while the target stops)', /^heap comparison$/],
  ['stop target', /^stop target$/]
]

/** The table of one or more runs' timings (pure). */
export function renderSoakHarness (reports: SoakReport[], machine: string, command: string): string {
  const seconds = (ms: number): string => (ms / 1000).toFixed(2)
  const head = ['phase', ...reports.map((_, i) => `run ${i + 1}, s`), 'median, s']
  const row = (name: string, values: number[]): Array<string | number> => [name, ...values.map(seconds), seconds(median(values))]
  const rows = GROUPS.map(([name, re]) => row(name, reports.map((r) => r.timings.phases.filter((p) => re.test(p.name)).reduce((n, p) => n + p.ms, 0))))
  rows.push(row('**harness time beyond the load**', reports.map((r) => r.timings.harnessMs)))
  rows.push(row('load (3 rounds: ramp, send, drain, leave)', reports.map((r) => r.timings.loadMs)))
  rows.push(row('total', reports.map((r) => r.timings.totalMs)))
  const snapshotMiB = reports.flatMap((r) => r.heap.snapshots.map((s) => s.bytes / 2 ** 20))
  return [
    '## Soak: the harness\'s own time beyond the load',
    '',
    `Machine: ${machine}. Command: \`${command}\` (defaults: bundled server, 3 rounds of the seed's load, a warm-up of 20 clients, heap snapshots on).`,
    '',
    markdownTable(head, rows),
    '',
    `Goal: ≤ 10 s beyond the load for 500 clients. Outcomes: ${reports.map((r) => r.outcome).join(', ')}. Heap snapshots: ${snapshotMiB.length} of ${Math.min(...snapshotMiB).toFixed(1)}–${Math.max(...snapshotMiB).toFixed(1)} MiB. ` +
      'The heap comparison and the target\'s shutdown run at the same time, so their rows overlap; the harness total is wall time (total − load).'
  ].join('\n')
}

function median (values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[mid] ?? 0 : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2
}

async function main (): Promise<void> {
  const argv = yargs(process.argv.slice(2))
    .options({
      runs: { type: 'number', default: 3 },
      clients: { type: 'number', default: 500 },
      from: { type: 'string', describe: 'comma-separated report.json files to render instead of running' },
      write: { type: 'boolean', default: false }
    })
    .strict()
    .parseSync()
  const root = fileURLToPath(new URL('../..', import.meta.url))
  const args = ['--clients', String(argv.clients)]
  const reports: SoakReport[] = []
  if (argv.from !== undefined) {
    for (const file of argv.from.split(',')) reports.push(JSON.parse(readFileSync(file, 'utf8')) as SoakReport)
  } else {
    const out = join(root, 'bench', '.work', 'soak')
    mkdirSync(out, { recursive: true })
    for (let run = 1; run <= argv.runs; run++) {
      // Other jobs share this machine: start when it is quiet (bounded), and record the pressure.
      await waitForQuiet(20, 60_000)
      const runId = `bench-soak-${run}`
      const result = spawnSync(process.execPath, [join(root, 'dist/scripts/soak.js'), ...args, '--out', out, '--run-id', runId], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] })
      if (result.status !== 0) throw new Error(`soak run ${run} exited ${String(result.status)}`)
      reports.push(JSON.parse(readFileSync(join(out, 'reports', runId, 'report.json'), 'utf8')) as SoakReport)
    }
  }
  const markdown = renderSoakHarness(reports, machineLine(machineInfo()), `npm run soak -- ${args.join(' ')}`)
  process.stdout.write(`${markdown}\n`)
  if (argv.write) writeBenchSection(join(root, 'docs', 'benchmarks.md'), 'soak-harness', markdown)
}

await main()

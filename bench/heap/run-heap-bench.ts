/**
 * Heap benchmark: soakwatch vs memlab on the same generated snapshots, in the same run.
 *
 *   npm run build && (cd bench/heap && PUPPETEER_SKIP_DOWNLOAD=1 npm ci --ignore-scripts)
 *   npm run bench:heap -- [--sizes 50,200,500] [--set 500] [--clients 20000]
 *        [--repeat 3] [--with-1gb] [--no-doc]
 *   node dist/bench/heap/run-heap-bench.js --render-only   (docs/benchmarks.md from results.json)
 *
 * Measures, per input, wall time and peak RSS of a child process (GNU time's %e and %M, or
 * /proc VmHWM polling without it):
 * - one snapshot: `analyse-snapshot.js` (parse + the whole final-snapshot analysis) vs memlab's
 *   `getFullHeapFromFile` (parse + dominators), i.e. loading a snapshot ready for analysis;
 * - a baseline/target/final set with a known leak: `npm run diff` vs `memlab find-leaks`.
 * Snapshots are generated once into bench/.work/heap (git-ignored). Results go to
 * bench/.work/heap/results.json and, between markers, into docs/benchmarks.md, with OS, CPU
 * model, core count and the load average at the start (other processes share the machine).
 */
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { cpus, loadavg, release, totalmem, type } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { writeBenchSection } from '../bench-doc.js'
import { median } from '../numbers.js'

const ROOT = new URL('../../../', import.meta.url).pathname
const BENCH = join(ROOT, 'bench/heap')
const WORK = join(ROOT, 'bench/.work/heap')
const DIST = join(ROOT, 'dist')
const DOC = join(ROOT, 'docs/benchmarks.md')
const MEMLAB = join(BENCH, 'node_modules/memlab/bin/memlab')
const MEMLAB_FLAGS = ['--expose-gc', '--max-old-space-size=4096']

interface Run { ms: number, peakMB: number, code: number, tail: string }
interface Row { input: string, inputMB: number, tool: string, runs: Run[] }

const { values: args } = parseArgs({
  options: {
    sizes: { type: 'string', default: '50,200,500' },
    set: { type: 'string', default: '500' },
    clients: { type: 'string', default: '20000' },
    repeat: { type: 'string', default: '3' },
    'with-1gb': { type: 'boolean', default: false },
    'no-doc': { type: 'boolean', default: false },
    'render-only': { type: 'boolean', default: false }
  }
})
const repeat = Number(args.repeat)
const gnuTime = existsSync('/usr/bin/time')

/** Runs a command to completion; wall time and peak RSS of the child. */
async function measure (cmd: string, argv: string[], cwd: string): Promise<Run> {
  const timeFile = join(WORK, 'time.out')
  const [file, fileArgs] = gnuTime ? ['/usr/bin/time', ['-f', '%e %M', '-o', timeFile, cmd, ...argv]] : [cmd, argv]
  const started = performance.now()
  const child = spawn(file, fileArgs, { cwd, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout.on('data', (d: Buffer) => { output = (output + d.toString()).slice(-4000) })
  child.stderr.on('data', (d: Buffer) => { output = (output + d.toString()).slice(-4000) })
  let hwm = 0
  const poll = gnuTime
    ? undefined
    : setInterval(() => {
      readFile(`/proc/${child.pid}/status`, 'utf8').then((s) => { hwm = Math.max(hwm, Number(/VmHWM:\s+(\d+)/.exec(s)?.[1] ?? 0)) }, () => {})
    }, 20)
  const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? -1)))
  if (poll !== undefined) clearInterval(poll)
  let ms = performance.now() - started
  let peakKB = hwm
  if (gnuTime) {
    const [seconds, kb] = (await readFile(timeFile, 'utf8')).trim().split('\n').pop()!.split(' ').map(Number)
    ms = seconds! * 1000
    peakKB = kb!
  }
  const tail = output.replace(/\u001b\[[0-9;]*[A-Za-z]/g, '').trim().split('\n').slice(-3).join(' | ')
  return { ms, peakMB: peakKB / 1024, code, tail }
}

async function generate (argv: string[], what: string): Promise<void> {
  process.stderr.write(`generating ${what}…\n`)
  const run = await measure(process.execPath, [join(DIST, 'bench/heap/generate-snapshot.js'), ...argv], WORK)
  if (run.code !== 0) throw new Error(`generating ${what} failed: ${run.tail}`)
}

async function mb (file: string): Promise<number> {
  return (await stat(file)).size / (1 << 20)
}

async function bench (row: Row, cmd: string, argv: string[], cwd: string): Promise<Row> {
  for (let i = 0; i < repeat; i++) {
    const run = await measure(cmd, argv, cwd)
    process.stderr.write(`${row.tool} ${row.input}: ${(run.ms / 1000).toFixed(1)} s, ${run.peakMB.toFixed(0)} MB, exit ${run.code}\n`)
    row.runs.push(run)
  }
  return row
}

async function main (): Promise<void> {
  if (args['render-only']) {
    const saved = JSON.parse(await readFile(join(WORK, 'results.json'), 'utf8')) as { env: Record<string, unknown>, rows: Row[] }
    const section = render(saved.env, saved.rows)
    process.stdout.write(section)
    writeBenchSection(DOC, 'heap-bench', section)
    return
  }
  await mkdir(WORK, { recursive: true })
  const memlab = existsSync(MEMLAB)
  if (!memlab) process.stderr.write('memlab is not installed: (cd bench/heap && PUPPETEER_SKIP_DOWNLOAD=1 npm ci --ignore-scripts); measuring soakwatch only\n')
  const env = {
    date: new Date().toISOString(),
    os: `${type()} ${release()}`,
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    memlab: memlab ? (JSON.parse(await readFile(join(BENCH, 'node_modules/memlab/package.json'), 'utf8')) as { version: string }).version : null,
    loadAverage: loadavg().map((l) => l.toFixed(2)).join(' '),
    peakRss: gnuTime ? 'GNU time %M' : '/proc VmHWM polling'
  }

  const sizes = args.sizes.split(',').filter(Boolean).map(Number)
  if (args['with-1gb']) sizes.push(1000)
  const rows: Row[] = []
  for (const size of sizes) {
    const file = join(WORK, `single-${size}.heapsnapshot`)
    if (!existsSync(file)) await generate(['single', String(size), file], `a ${size} MB snapshot`)
    const input = `one snapshot, ${(await mb(file)).toFixed(0)} MB`
    const inputMB = await mb(file)
    rows.push(await bench({ input, inputMB, tool: 'soakwatch', runs: [] }, process.execPath, [join(DIST, 'bench/heap/analyse-snapshot.js'), file], ROOT))
    if (memlab) rows.push(await bench({ input, inputMB, tool: 'memlab', runs: [] }, process.execPath, [...MEMLAB_FLAGS, join(BENCH, 'memlab-analyse.cjs'), file], BENCH))
  }

  const setDir = join(WORK, `leak-${args.set}`)
  const set = ['baseline', 'target', 'final'].map((p) => join(setDir, `${p}.heapsnapshot`))
  if (!set.every((f) => existsSync(f))) {
    await mkdir(setDir, { recursive: true })
    await generate(['leak', args.set, args.clients, setDir], `a ${args.set} MB baseline/target/final set leaking ${args.clients} sessions`)
  }
  const setMB = (await Promise.all(set.map(mb))).reduce((a, b) => a + b, 0)
  const setInput = `baseline/target/final, 3 × ${(setMB / 3).toFixed(0)} MB, ${args.clients} leaked sessions`
  rows.push(await bench({ input: setInput, inputMB: setMB, tool: 'soakwatch', runs: [] }, process.execPath, [join(DIST, 'scripts/diff.js'), ...set, '--clients', args.clients], ROOT))
  if (memlab) {
    const workDir = join(WORK, 'memlab-work')
    await rm(workDir, { recursive: true, force: true })
    await mkdir(workDir, { recursive: true })
    rows.push(await bench({ input: setInput, inputMB: setMB, tool: 'memlab', runs: [] }, process.execPath, [...MEMLAB_FLAGS, MEMLAB, 'find-leaks', '--baseline', set[0]!, '--target', set[1]!, '--final', set[2]!, '--work-dir', workDir], BENCH))
  }

  await writeFile(join(WORK, 'results.json'), `${JSON.stringify({ env, rows }, null, 2)}\n`)
  const section = render(env, rows)
  process.stdout.write(section)
  if (!args['no-doc']) writeBenchSection(DOC, 'heap-bench', section)
}

function render (env: Record<string, unknown>, rows: Row[]): string {
  const lines = [
    '## Heap snapshots: soakwatch vs memlab',
    '',
    `Regenerated by \`node dist/bench/heap/run-heap-bench.js\` (bench/heap/run-heap-bench.ts) on ${String(env.date)}.`,
    `Machine: ${String(env.os)}, ${String(env.cpu)}, ${String(env.cores)} cores, ${String(env.memoryGB)} GB; Node ${String(env.node)}; memlab ${String(env.memlab ?? 'not installed')}.`,
    `Load average at the start: ${String(env.loadAverage)} (the machine is shared: absolute times move between runs, ratios from the same run are what to compare). Peak RSS: ${String(env.peakRss)}.`,
    '',
    '- *one snapshot*: soakwatch parses it and runs the whole analysis of a final snapshot (classes, attributed sizes, dominators and retained sizes, shortest paths); memlab `getFullHeapFromFile` parses it and computes dominators and retained sizes.',
    '- *baseline/target/final*: `npm run diff -- baseline target final --clients N` (exit 1, the leak is named) vs `memlab find-leaks --baseline --target --final`.',
    '',
    '| input | tool | runs | wall, median | peak RSS, median | memlab / soakwatch, time | soakwatch / memlab, RSS |',
    '|---|---|---|---|---|---|---|'
  ]
  for (const row of rows) {
    const ok = row.runs.filter((r) => r.code === 0 || (row.tool === 'soakwatch' && r.code === 1))
    const ms = median(ok.map((r) => r.ms))
    const rss = median(ok.map((r) => r.peakMB))
    const peer = rows.find((r) => r.input === row.input && r.tool === 'memlab')
    const peerOk = peer?.runs.filter((r) => r.code === 0) ?? []
    const timeRatio = row.tool === 'soakwatch' && peerOk.length > 0 ? `${(median(peerOk.map((r) => r.ms)) / ms).toFixed(1)}×` : ''
    const rssRatio = row.tool === 'soakwatch' && peerOk.length > 0 ? `${(rss / median(peerOk.map((r) => r.peakMB))).toFixed(2)}` : ''
    const failed = row.runs.length - ok.length
    const wall = ok.length === 0 ? `failed: ${row.runs[0]?.tail ?? ''}` : `${(ms / 1000).toFixed(1)} s`
    lines.push(`| ${row.input} | ${row.tool} | ${row.runs.length}${failed > 0 ? ` (${failed} failed)` : ''} | ${wall} | ${ok.length === 0 ? '-' : `${rss.toFixed(0)} MB`} | ${timeRatio} | ${rssRatio} |`)
  }
  lines.push('', ...goals(rows), '')
  return lines.join('\n')
}

/** The issue's goals, checked against this run's medians. */
function goals (rows: Row[]): string[] {
  const ok = (r: Row | undefined): Run[] => r?.runs.filter((x) => x.code === 0 || (r.tool === 'soakwatch' && x.code === 1)) ?? []
  const med = (r: Row | undefined, key: 'ms' | 'peakMB'): number => median(ok(r).map((x) => x[key]))
  const verdict = (met: boolean): string => met ? '**met**' : '**missed**'
  const out = ['Goals (issue 5), from the medians above:']
  const set = rows.filter((r) => r.input.startsWith('baseline/target/final'))
  const ours = set.find((r) => r.tool === 'soakwatch')
  const theirs = set.find((r) => r.tool === 'memlab')
  if (ours !== undefined && ok(theirs).length > 0) {
    const speed = med(theirs, 'ms') / med(ours, 'ms')
    const rss = med(ours, 'peakMB') / med(theirs, 'peakMB')
    out.push(`- three-snapshot comparison ≥ 5× faster than memlab find-leaks: ${speed.toFixed(1)}× — ${verdict(speed >= 5)}`)
    out.push(`- ≤ ⅓ of its peak RSS: ${rss.toFixed(2)} — ${verdict(rss <= 1 / 3)}`)
  }
  if (ours !== undefined) {
    const flagged = ok(ours).filter((r) => r.code === 1).length
    const memlabSays = /MemLab found (\d+) leak/.exec(ok(theirs)[0]?.tail ?? '')?.[1]
    out.push(`- the known leak: soakwatch exits 1 (leak flagged) in ${flagged} of ${ours.runs.length} runs${memlabSays === undefined ? '' : `; memlab find-leaks reports ${memlabSays} leak(s) (its leak filter targets browser pages; its table of objects allocated in the target lists the leaked sessions)`}`)
  }
  const big = rows.find((r) => r.tool === 'soakwatch' && r.inputMB >= 900)
  if (big !== undefined) {
    const rss = med(big, 'peakMB')
    out.push(`- a 1 GB snapshot analysed within 4 GB RSS: ${Number.isNaN(rss) ? 'failed' : `${(rss / 1024).toFixed(2)} GB`} (${big.input}) — ${verdict(rss <= 4096)}`)
  }
  return out
}

await main()

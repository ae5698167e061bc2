/**
 * Macro benchmark: what the target hooks cost the process they measure.
 *
 * Two workloads, each run alternately with and without the preload (and with the inspector
 * on in both, as in a soak), several times; the median ratio is reported, never absolute speed
 * alone. (1) Echo round trips: 50 clients on 127.0.0.1 ping-pong lines with an async echo
 * server for a fixed time; the server's CPU time per round trip is the figure of merit, since
 * client and server share the machine's cores. (2) A loop of promises and nextTicks, the worst case for async_hooks.
 * Results go to stdout and, with --write, into docs/benchmarks.md between this benchmark's
 * markers. Every run is bounded in time and stops its processes by PID.
 *
 *   npm run build && node dist/bench/hooks-overhead.js [--runs 3] [--seconds 3] [--write]
 */
import { execFile } from 'node:child_process'
import { once } from 'node:events'
import { connect } from 'node:net'
import { cpus, release, platform } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { writeBenchSection } from './bench-doc.js'
import { median } from './numbers.js'
import { InspectorSession } from '../diagnosis/src/inspector-session.js'
import { nodeOptions, TargetProcess } from '../diagnosis/src/target/target-process.js'

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..')
const hooksPath = join(root, 'dist/diagnosis/src/hooks/preload.js')
const noHooksPath = join(root, 'bench/fixtures/no-hooks.mjs')
const fixtures = join(root, 'bench/fixtures')
const args = process.argv.slice(2)
const flag = (name: string, fallback: number): number => {
  const i = args.indexOf(`--${name}`)
  return i === -1 ? fallback : Number(args[i + 1])
}
const RUNS = flag('runs', 3)
const SECONDS = flag('seconds', 3)
const CLIENTS = 50

interface EchoResult {
  /** Round trips per second (bounded by the client side too: both share 2 cores). */
  rate: number
  /** The server's CPU time per round trip, from process.cpuUsage() read over the inspector. */
  cpuUsPerTrip: number
}

/** Round trips per second and server CPU per trip against the echo server. */
async function echoRun (withHooks: boolean): Promise<EchoResult> {
  const target = await TargetProcess.start(
    { kind: 'bundled', script: join(fixtures, 'echo-server.mjs') },
    { hooksPath: withHooks ? hooksPath : noHooksPath }
  )
  const session = await InspectorSession.connect(target.devtoolsUrl)
  const cpu = async (): Promise<number> => await session.evaluate<number>('(() => { const u = process.cpuUsage(); return u.user + u.system })()')
  try {
    const { port } = target.address
    let trips = 0
    let running = true
    const sockets = await Promise.all(Array.from({ length: CLIENTS }, async () => {
      const socket = connect({ host: '127.0.0.1', port })
      socket.setNoDelay(true)
      await once(socket, 'connect')
      socket.on('data', () => {
        trips++
        if (running) socket.write('ping\n')
      })
      return socket
    }))
    const cpuBefore = await cpu()
    const started = performance.now()
    for (const socket of sockets) socket.write('ping\n')
    await new Promise((resolve) => setTimeout(resolve, SECONDS * 1000))
    running = false
    const seconds = (performance.now() - started) / 1000
    const counted = trips
    const cpuUs = await cpu() - cpuBefore
    for (const socket of sockets) socket.destroy()
    return { rate: counted / seconds, cpuUsPerTrip: cpuUs / counted }
  } finally {
    await session.close()
    await target.stop()
  }
}

/** Milliseconds the promise loop takes, with or without the hooks. */
async function promiseLoopMs (withHooks: boolean): Promise<number> {
  const env = { ...process.env, NODE_OPTIONS: nodeOptions(undefined, withHooks ? hooksPath : noHooksPath) }
  const { stdout } = await promisify(execFile)(process.execPath, [join(fixtures, 'promise-loop.mjs')], { env, timeout: 120_000 })
  return Number(stdout.trim())
}

async function main (): Promise<void> {
  const echo = { off: [] as EchoResult[], on: [] as EchoResult[] }
  const loop = { off: [] as number[], on: [] as number[] }
  // Alternate on/off so that drift (thermal, other load on the machine) hits both alike.
  for (let run = 0; run < RUNS; run++) {
    echo.off.push(await echoRun(false))
    echo.on.push(await echoRun(true))
    loop.off.push(await promiseLoopMs(false))
    loop.on.push(await promiseLoopMs(true))
  }
  const cpu = cpus()
  const machine = `${platform()} ${release()}, ${cpu[0]?.model ?? 'unknown CPU'}, ${cpu.length} cores, Node ${process.version}`
  const rate = (side: EchoResult[]): number => median(side.map((r) => r.rate))
  const cpuPerTrip = (side: EchoResult[]): number => median(side.map((r) => r.cpuUsPerTrip))
  const loopRatio = median(loop.on) / median(loop.off)
  const lines = [
    `Measured ${new Date().toISOString().slice(0, 10)} on ${machine}; ${RUNS} alternating runs each, medians; inspector on in every run.`,
    '',
    '| workload | hooks off | hooks on | ratio (on/off) |',
    '| --- | ---: | ---: | ---: |',
    `| echo server CPU µs per round trip, ${CLIENTS} clients, ${SECONDS} s, async handler | ${cpuPerTrip(echo.off).toFixed(2)} | ${cpuPerTrip(echo.on).toFixed(2)} | ${(cpuPerTrip(echo.on) / cpuPerTrip(echo.off)).toFixed(2)} (CPU) |`,
    `| echo round trips/s (client and server share the cores) | ${rate(echo.off).toFixed(0)} | ${rate(echo.on).toFixed(0)} | ${(rate(echo.on) / rate(echo.off)).toFixed(2)} (throughput) |`,
    `| 300k awaits + 300k nextTicks, ms (worst case) | ${median(loop.off).toFixed(0)} | ${median(loop.on).toFixed(0)} | ${loopRatio.toFixed(2)} (time) |`,
    '',
    `Raw echo CPU µs/trip off: ${echo.off.map((r) => r.cpuUsPerTrip.toFixed(2)).join(', ')}; on: ${echo.on.map((r) => r.cpuUsPerTrip.toFixed(2)).join(', ')}.`,
    `Raw loop times off: ${loop.off.map((r) => r.toFixed(0)).join(', ')} ms; on: ${loop.on.map((r) => r.toFixed(0)).join(', ')} ms.`,
    '',
    'Command: `npm run build && node dist/bench/hooks-overhead.js --runs ' + String(RUNS) + ' --seconds ' + String(SECONDS) + ' --write`'
  ]
  process.stdout.write(`${lines.join('\n')}\n`)
  if (args.includes('--write')) writeBenchSection(join(root, 'docs/benchmarks.md'), 'hooks-overhead', `## Target hooks overhead\n\n${lines.join('\n')}`)
}

await main()

/**
 * Starts the IRC servers the loadgen is tested and benchmarked against, on loopback, each on a
 * free port with a throw-away config, and stops them by PID. Shared by the loadgen's tests and
 * the macro benchmarks.
 *
 * - ngircd (Debian): no per-IP limit, no flood penalties, no DNS/ident/PAM lookups, run in the
 *   foreground (`-n`). Ready when it logs "Now listening on".
 * - inspircd 3 (Debian): the same relaxations (<connect> without fakelag, huge thresholds).
 *   It refuses to run as root without --runasroot. Ready when it logs "is now running".
 * - the reference server: `node dist/scripts/server.js --port 0`, ready on `listening HOST:PORT`.
 *
 * A free port is found by binding port 0 and closing it, which leaves a window in which another
 * process may take it; a server that then fails to bind is retried on a new port.
 */
import { spawn, spawnSync } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

export type ServerKind = 'ngircd' | 'inspircd' | 'reference'

export interface RunningServer {
  kind: ServerKind
  host: string
  port: number
  pid: number
  /** Everything the server wrote so far (stdout and stderr, for failure messages). */
  output: () => string
  /** CPU seconds (user + system) the server process has used, from /proc/<pid>/stat. */
  cpuSeconds: () => number
  /** The same, split into user and system (kernel) time. */
  cpuTimes: () => CpuTimes
  /** True once the process has exited. */
  exited: () => boolean
  /** SIGTERM, then SIGKILL after a grace period; resolves when the process is gone. */
  stop: () => Promise<void>
  /** SIGKILL now (a crash, for fault tests). */
  kill: () => Promise<void>
}

export interface StartOptions {
  host?: string
  /** Ready within this many ms or the start fails. Default 10 s. */
  readyTimeoutMs?: number
  /** Extra arguments (reference server only). */
  args?: string[]
  /** Options for node itself, e.g. `--cpu-prof` (reference server only). */
  nodeArgs?: string[]
  /** Repository root (reference server only); default the current directory. */
  root?: string
}

/** A server to benchmark, as named on a benchmark's command line. */
export interface ServerSpec {
  /** Name in the tables: the kind, or the label of a reference build. */
  label: string
  kind: ServerKind
  /** Checkout whose dist/ holds the reference server (reference builds only). */
  root?: string
  /** Extra server arguments (reference builds only). */
  args?: string[]
}

/**
 * Parses `reference`, `ngircd`, `inspircd`, or `LABEL=DIR[@ARGS]`: the reference server as
 * built in checkout DIR, started with the space-separated ARGS (e.g.
 * `f5=.@--flush-interval 5`), to compare builds or settings in the same run.
 * @throws {Error} on an unknown server name
 */
export function parseServerSpec (text: string): ServerSpec {
  const eq = text.indexOf('=')
  if (eq !== -1) {
    const [dir = '.', args] = text.slice(eq + 1).split('@', 2)
    return { label: text.slice(0, eq), kind: 'reference', root: resolve(dir), args: args === undefined ? [] : args.split(' ').filter(a => a !== '') }
  }
  if (text !== 'reference' && text !== 'ngircd' && text !== 'inspircd') throw new Error(`unknown server ${JSON.stringify(text)}: reference, ngircd, inspircd or LABEL=DIR[@ARGS]`)
  return { label: text, kind: text }
}

/** A port that was free a moment ago on `host`. */
export async function freePort (host = '127.0.0.1'): Promise<number> {
  return await new Promise((resolve, reject) => {
    const srv = createServer()
    srv.once('error', reject)
    srv.listen(0, host, () => {
      const addr = srv.address()
      srv.close(() => (typeof addr === 'object' && addr !== null ? resolve(addr.port) : reject(new Error('no port'))))
    })
  })
}

let clockTicks: number | undefined
/** USER_HZ, the unit of utime/stime in /proc/<pid>/stat (100 on Linux/x86). */
function ticksPerSecond (): number {
  if (clockTicks === undefined) {
    const r = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' })
    const n = Number(r.stdout?.trim())
    clockTicks = Number.isInteger(n) && n > 0 ? n : 100
  }
  return clockTicks
}

/** CPU seconds a process spent in user space and in the kernel on its behalf. */
export interface CpuTimes {
  user: number
  system: number
}

/** CPU times of a live process, from /proc/<pid>/stat fields 14 (utime) and 15 (stime). */
export function procCpuTimes (pid: number): CpuTimes {
  const stat = readFileSync(`/proc/${pid}/stat`, 'latin1')
  // The command name (field 2) is in parentheses and may contain spaces: split after it.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  const hz = ticksPerSecond()
  return { user: Number(fields[11]) / hz, system: Number(fields[12]) / hz }
}

/** CPU seconds (user + system) of a live process. */
export function procCpuSeconds (pid: number): number {
  const t = procCpuTimes(pid)
  return t.user + t.system
}

/** Starts a server of the given kind. */
export async function startServer (kind: ServerKind, opts: StartOptions = {}): Promise<RunningServer> {
  let lastError: unknown
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      if (kind === 'ngircd') return await startNgircd(opts)
      if (kind === 'inspircd') return await startInspircd(opts)
      return await startReference(opts)
    } catch (err) {
      lastError = err
    }
  }
  throw lastError
}

/** A free port and a temporary directory for a server's config. */
async function prepare (kind: ServerKind, opts: StartOptions): Promise<{ host: string, port: number, dir: string, conf: string }> {
  const host = opts.host ?? '127.0.0.1'
  const port = await freePort(host)
  const dir = mkdtempSync(join(tmpdir(), `soakwatch-${kind}-`))
  return { host, port, dir, conf: join(dir, `${kind}.conf`) }
}

async function startNgircd (opts: StartOptions): Promise<RunningServer> {
  const { host, port, dir, conf } = await prepare('ngircd', opts)
  writeFileSync(conf, [
    '[Global]',
    'Name = soak.test',
    'Info = soakwatch test server',
    `Listen = ${host}`,
    `Ports = ${port}`,
    'MotdPhrase = soakwatch',
    '[Limits]',
    'MaxConnections = 0',
    'MaxConnectionsIP = 0',
    'MaxJoins = 0',
    'MaxPenaltyTime = 0',
    'PingTimeout = 120',
    'PongTimeout = 60',
    '[Options]',
    'DNS = no',
    'Ident = no',
    'PAM = no',
    ''
  ].join('\n'))
  const child = spawn('/usr/sbin/ngircd', ['-n', '-f', conf], { stdio: ['ignore', 'pipe', 'pipe'] })
  return await waitReady('ngircd', child, host, port, dir, /Now listening on/, opts.readyTimeoutMs)
}

async function startInspircd (opts: StartOptions): Promise<RunningServer> {
  const { host, port, dir, conf } = await prepare('inspircd', opts)
  // No fakelag and thresholds out of reach: like ngircd's MaxPenaltyTime = 0, flood control off.
  writeFileSync(conf, [
    '<server name="soak.test" description="soakwatch test server" network="soak">',
    '<admin name="soakwatch" nick="soakwatch" email="soakwatch@example.invalid">',
    `<bind address="${host}" port="${port}" type="clients">`,
    '<connect name="main" allow="*" maxchans="100" timeout="60" pingfreq="120" hardsendq="8388608" softsendq="1048576" ' +
      'recvq="65536" threshold="1000000000" commandrate="1000000000" fakelag="no" localmax="1000000" globalmax="1000000" ' +
      'useident="no" limit="1000000" maxconnwarn="no" resolvehostnames="no">',
    '<channels users="1000" opers="1000">',
    '<limits maxnick="30" maxchan="64">',
    '<options hostintopic="no" syntaxhints="no">',
    '<performance softlimit="1000000" somaxconn="4096" clonesonconnect="no" nouserdns="yes">',
    '<security hideserver="" userstats="">',
    `<pid file="${join(dir, 'inspircd.pid')}">`,
    `<log method="file" type="* -USERINPUT -USEROUTPUT" level="default" target="${join(dir, 'inspircd.log')}">`,
    ''
  ].join('\n'))
  const child = spawn('/usr/sbin/inspircd', ['--nofork', '--runasroot', `--config=${conf}`], { stdio: ['ignore', 'pipe', 'pipe'] })
  return await waitReady('inspircd', child, host, port, dir, /is now running/, opts.readyTimeoutMs)
}

async function startReference (opts: StartOptions): Promise<RunningServer> {
  const host = opts.host ?? '127.0.0.1'
  const root = opts.root ?? process.cwd()
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), join(root, 'dist/scripts/server.js'), '--host', host, '--port', '0', ...(opts.args ?? [])], {
    stdio: ['ignore', 'pipe', 'pipe']
  })
  return await waitReady('reference', child, host, 0, undefined, /listening (\S+):(\d+)/, opts.readyTimeoutMs)
}

async function waitReady (kind: ServerKind, child: ChildProcess, host: string, port: number, dir: string | undefined,
  ready: RegExp, timeoutMs = 10_000): Promise<RunningServer> {
  let out = ''
  let exited = false
  const gone = new Promise<void>(resolve => child.once('exit', () => { exited = true; resolve() }))
  const cleanup = (): void => { if (dir !== undefined) rmSync(dir, { recursive: true, force: true }) }
  gone.then(cleanup, cleanup)
  const server: RunningServer = {
    kind,
    host,
    port,
    pid: child.pid ?? -1,
    output: () => out,
    cpuSeconds: () => procCpuSeconds(child.pid ?? -1),
    cpuTimes: () => procCpuTimes(child.pid ?? -1),
    exited: () => exited,
    stop: async () => {
      if (exited) return
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
      await gone
      clearTimeout(timer)
    },
    kill: async () => {
      if (exited) return
      child.kill('SIGKILL')
      await gone
    }
  }
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => fail(`not ready within ${timeoutMs} ms`), timeoutMs)
    const onData = (chunk: Buffer): void => {
      // Keep the tail only: servers log per connection and a bench opens tens of thousands.
      out = (out + chunk.toString('utf8')).slice(-65536)
      const m = ready.exec(out)
      if (m === null) return
      clearTimeout(timer)
      if (kind === 'reference') server.port = Number(m[2])
      resolve()
    }
    function fail (why: string): void {
      clearTimeout(timer)
      void server.kill()
      reject(new Error(`${kind} failed to start on ${host}:${port}: ${why}\n${out.slice(-2000)}`))
    }
    child.stdout?.on('data', onData)
    child.stderr?.on('data', onData)
    child.once('exit', code => fail(`exited with ${code}`))
    child.once('error', err => fail(err.message))
  })
  return server
}

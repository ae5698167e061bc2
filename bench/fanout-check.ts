/**
 * Design check of the relay path until the loadgen's fan-out benchmark lands: server CPU per
 * delivery, soakwatch vs ngircd, in the same run on the same machine. N clients join one
 * channel; one of them sends M messages in paced batches of 10 (the next batch goes once the
 * previous one has reached every member); server CPU is read from /proc/PID/stat around the
 * message phase. Linux only; ngircd at /usr/sbin/ngircd with a temporary config (penalties
 * off, so that it does not throttle the sender).
 *
 *   npm run build && node dist/bench/fanout-check.js [clients=200] [messages=8000] [rounds=3]
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { connect, createServer, type Socket } from 'node:net'
import { cpus, release, tmpdir, type } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const [clients = 200, messages = 8000, rounds = 3] = process.argv.slice(2).map(Number)
const BATCH = 10
const DEADLINE_MS = 120_000

/** utime + stime of a process, in ms (USER_HZ = 100 on Linux). */
function cpuMs (pid: number): number {
  const fields = (readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1] ?? '').split(' ')
  return (Number(fields[11]) + Number(fields[12])) * 10
}

async function freePort (): Promise<number> {
  const s = createServer().listen(0, '127.0.0.1')
  await once(s, 'listening')
  const port = (s.address() as { port: number }).port
  await new Promise(resolve => s.close(resolve))
  return port
}

async function startSoakwatch (): Promise<{ child: ChildProcess, port: number }> {
  const script = fileURLToPath(new URL('../scripts/server.js', import.meta.url))
  const child = spawn(process.execPath, [script, '--port', '0', '--log', '/dev/null'], { stdio: ['ignore', 'pipe', 'inherit'] })
  return await new Promise((resolve, reject) => {
    let out = ''
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString()
      const m = /listening 127\.0\.0\.1:(\d+)/.exec(out)
      if (m !== null) resolve({ child, port: Number(m[1]) })
    })
    child.once('exit', () => reject(new Error('soakwatch server exited before listening')))
  })
}

async function startNgircd (dir: string): Promise<{ child: ChildProcess, port: number }> {
  const port = await freePort()
  const conf = join(dir, 'ngircd.conf')
  writeFileSync(conf, [
    '[Global]', 'Name = bench.local', 'Info = bench', 'Listen = 127.0.0.1', `Ports = ${port}`,
    '[Limits]', 'MaxConnections = 0', 'MaxConnectionsIP = 0', 'MaxJoins = 0', 'PingTimeout = 600', 'PongTimeout = 600',
    'MaxNickLength = 30', 'MaxPenaltyTime = 0',
    '[Options]', 'DNS = no', 'Ident = no', 'PAM = no', ''
  ].join('\n'))
  const child = spawn('/usr/sbin/ngircd', ['-n', '-f', conf], { stdio: 'ignore' })
  // ngircd prints no readiness line: wait until it accepts a connection.
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise<boolean>(resolve => {
      const s = connect(port, '127.0.0.1')
      s.once('connect', () => { s.destroy(); resolve(true) })
      s.once('error', () => resolve(false))
    })
    if (ok) return { child, port }
    await new Promise(resolve => setTimeout(resolve, 50))
  }
  throw new Error('ngircd did not start')
}

async function run (name: string, server: { child: ChildProcess, port: number }): Promise<number> {
  let received = 0
  const sockets: Socket[] = []
  for (let i = 0; i < clients; i++) {
    const s = connect({ port: server.port, host: '127.0.0.1', noDelay: true })
    await once(s, 'connect')
    let buf = ''
    const joined = new Promise<void>(resolve => {
      s.on('data', (d: Buffer) => {
        buf += d.toString('latin1')
        for (let nl = buf.indexOf('\n'); nl !== -1; nl = buf.indexOf('\n')) {
          const line = buf.slice(0, nl)
          buf = buf.slice(nl + 1)
          if (line.includes(' 366 ')) resolve()
          else if (line.includes('PRIVMSG #bench')) received++
          else if (line.startsWith('PING')) s.write('PONG' + line.slice(4) + '\n')
        }
      })
    })
    s.write(`NICK f${i}\r\nUSER f 0 * :f\r\nJOIN #bench\r\n`)
    await joined
    sockets.push(s)
  }
  const sender = sockets[0] as Socket
  const pid = server.child.pid as number
  const before = cpuMs(pid)
  const started = Date.now()
  for (let k = 0; k < messages; k += BATCH) {
    let batch = ''
    for (let i = 0; i < BATCH; i++) batch += `PRIVMSG #bench :seq=${k + i} the quick brown fox jumps over the lazy dog\r\n`
    sender.write(batch)
    const want = Math.min(k + BATCH, messages) * (clients - 1)
    while (received < want) {
      if (Date.now() - started > DEADLINE_MS) throw new Error(`${name}: deadline, ${received}/${want} delivered`)
      await new Promise(resolve => setImmediate(resolve))
    }
  }
  const perDelivery = (cpuMs(pid) - before) * 1000 / (messages * (clients - 1))
  for (const s of sockets) s.destroy()
  server.child.kill('SIGTERM')
  await once(server.child, 'exit')
  process.stdout.write(`${name}: ${perDelivery.toFixed(2)} µs server CPU per delivery (${Date.now() - started} ms wall)\n`)
  return perDelivery
}

const dir = mkdtempSync(join(tmpdir(), 'soakwatch-fanout-'))
try {
  const cpu = cpus()
  process.stdout.write(`${type()} ${release()}, ${cpu[0]?.model ?? '?'}, ${cpu.length} cores, Node ${process.version}; ${clients} clients, ${messages} messages in batches of ${BATCH}\n`)
  const ratios: number[] = []
  for (let r = 0; r < rounds; r++) {
    const ngircd = await run('ngircd   ', await startNgircd(dir))
    const ours = await run('soakwatch', await startSoakwatch())
    ratios.push(ours / ngircd)
  }
  process.stdout.write(`soakwatch / ngircd CPU per delivery: ${ratios.map(r => r.toFixed(2)).join(', ')}\n`)
} finally {
  rmSync(dir, { recursive: true, force: true })
}

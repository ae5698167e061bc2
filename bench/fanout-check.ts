/**
 * Fan-out design check: what one delivery costs a server, user and kernel time apart, under a
 * load shaped so that nothing else moves. N clients join one channel; one of them sends M
 * messages in paced batches of B lines (one write; the next batch goes once the previous one
 * has reached every member), so each member is sent B lines per write by a server that batches
 * per loop iteration: B = 1 is the shape of the loadgen's 1–3 s intervals (about one line per
 * write), B = 10 that of its higher rates. The members only count newlines (net.connect
 * `onread` into one shared buffer), so the load side costs little and never saturates, unlike
 * the full loadgen in bench/fanout-servers.ts. Server CPU is utime and stime from
 * /proc/<pid>/stat around the message phase.
 *
 * Servers are `reference`, `ngircd`, `inspircd`, or `LABEL=DIR[@ARGS]` (the reference server as
 * built in another checkout, with extra arguments, to compare builds or settings); they run one after the other, in a rotating order,
 * for each batch size and round. The table gives medians and ranges over the rounds, and each
 * server's ratio to the first one listed.
 *
 *   npm run build && node dist/bench/fanout-check.js [--servers reference,ngircd] [--clients 500]
 *        [--messages 4000] [--batches 1,10] [--rounds 5] [--profile DIR] [--write]
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { connect, type Socket } from 'node:net'
import { resolve } from 'node:path'
import yargs from 'yargs'
import { parseServerSpec, startServer, type CpuTimes, type RunningServer, type ServerSpec } from './irc-servers.js'
import { markdownTable, writeBenchSection } from './bench-doc.js'
import { machineInfo, machineLine } from './machine.js'
import { median, round } from './numbers.js'

const argv = yargs(process.argv.slice(2))
  .options({
    servers: { type: 'string', default: 'reference,ngircd' },
    clients: { type: 'number', default: 500 },
    messages: { type: 'number', default: 4000 },
    batches: { type: 'string', default: '1,10' },
    rounds: { type: 'number', default: 5 },
    profile: { type: 'string', describe: 'write a V8 CPU profile of every reference server run into this directory' },
    write: { type: 'boolean', default: false }
  })
  .strict()
  .parseSync()

/** Each phase is bounded: the run fails rather than hangs when a server stops delivering. */
const DEADLINE_MS = 50_000
/** Members registering at once. */
const JOIN_CONCURRENCY = 50
/** No new line for this long after the joins: the JOIN echoes are all in. */
const QUIET_MS = 300

interface Sample { server: string, batch: number, round: number, userUs: number, sysUs: number, clientUs: number }

const specs: ServerSpec[] = argv.servers.split(',').map(s => s.trim()).filter(s => s !== '').map(parseServerSpec)
const batches = argv.batches.split(',').map(Number)

/** Members that count the newlines they receive and nothing else, once joined. */
class Members {
  lines = 0
  readonly sockets: Socket[] = []
  readonly #buffer = Buffer.allocUnsafe(64 * 1024)
  #want = Infinity
  #reached: () => void = () => {}

  /** Resolves once `lines` reaches `count`; woken by the reads, no polling. */
  async until (count: number, what: string): Promise<void> {
    if (this.lines >= count) return
    let timer: NodeJS.Timeout | undefined
    try {
      await new Promise<void>((resolve, reject) => {
        this.#want = count
        this.#reached = resolve
        timer = setTimeout(() => reject(new Error(`deadline: ${what}, ${this.lines}/${count} lines`)), DEADLINE_MS)
      })
    } finally {
      clearTimeout(timer)
      this.#want = Infinity
    }
  }

  /**
   * Connects, registers and joins `n` members, JOIN_CONCURRENCY at a time: inspircd takes about
   * a second to complete each registration, so one after the other would take minutes and let
   * the first members reach its ping timeout.
   */
  async join (port: number, n: number): Promise<void> {
    let next = 0
    const worker = async (): Promise<void> => {
      while (next < n) this.sockets.push(await this.#joinOne(port, next++))
    }
    await Promise.all(Array.from({ length: Math.min(JOIN_CONCURRENCY, n) }, worker))
    // The members that joined first then saw the JOIN of later ones: lines that are no
    // deliveries. Wait until they stop coming, then count from zero.
    const deadline = Date.now() + DEADLINE_MS
    for (let last = -1; last !== this.lines;) {
      if (Date.now() > deadline) throw new Error(`deadline: JOIN echoes still arriving after ${DEADLINE_MS} ms`)
      last = this.lines
      await sleep(QUIET_MS)
    }
    this.lines = 0
  }

  /** One member: until its own JOIN completes (366, end of NAMES) it reads text, then it counts. */
  async #joinOne (port: number, i: number): Promise<Socket> {
    return await new Promise<Socket>((resolve, reject) => {
      let registered = false
      let joined = false
      let text = ''
      const s: Socket = connect({
        port,
        host: '127.0.0.1',
        noDelay: true,
        onread: {
          buffer: this.#buffer,
          callback: (len: number, buf: Uint8Array) => {
            if (joined) {
              for (let j = 0; j < len; j++) if (buf[j] === 0x0a) this.lines++
              if (this.lines >= this.#want) this.#reached()
              return true
            }
            text += Buffer.from(buf.buffer, buf.byteOffset, len).toString('latin1')
            // JOIN goes after 001: inspircd answers a JOIN sent before its registration
            // completes with 451, even in the same write as NICK and USER.
            if (!registered && text.includes(' 001 ')) {
              registered = true
              s.write('JOIN #bench\r\n')
            }
            if (text.includes(' 366 ')) {
              joined = true
              clearTimeout(deadline)
              resolve(s)
            }
            return true
          }
        }
      })
      const deadline = setTimeout(() => {
        s.destroy()
        reject(new Error(`deadline: member ${i} not joined within ${DEADLINE_MS} ms: ${text.slice(-300)}`))
      }, DEADLINE_MS)
      s.once('error', (err) => {
        clearTimeout(deadline)
        reject(err)
      })
      // Nicks within RFC 2812's nine characters.
      s.once('connect', () => s.write(`NICK m${i.toString(36)}\r\nUSER m 0 * :m\r\n`))
    })
  }

  close (): void {
    for (const s of this.sockets) s.destroy()
  }
}

async function measure (spec: ServerSpec, batch: number, round: number): Promise<Sample> {
  const nodeArgs = argv.profile === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', resolve(argv.profile)]
  const server: RunningServer = await startServer(spec.kind, { root: spec.root ?? process.cwd(), args: ['--log', '/dev/null', ...(spec.args ?? [])], nodeArgs })
  const members = new Members()
  try {
    await members.join(server.port, argv.clients)
    const sender = members.sockets[0] as Socket
    const others = argv.clients - 1
    const cpuBefore: CpuTimes = server.cpuTimes()
    const clientBefore = process.cpuUsage()
    for (let k = 0; k < argv.messages; k += batch) {
      const n = Math.min(batch, argv.messages - k)
      let text = ''
      for (let i = 0; i < n; i++) text += `PRIVMSG #bench :seq=${k + i} the quick brown fox jumps over the lazy dog\r\n`
      sender.write(text)
      const want = (k + n) * others
      await members.until(want, `${spec.label}: deliveries of batch ${k / batch}`)
    }
    const cpu = server.cpuTimes()
    const client = process.cpuUsage(clientBefore)
    const deliveries = argv.messages * others
    const sample: Sample = {
      server: spec.label,
      batch,
      round,
      userUs: ((cpu.user - cpuBefore.user) * 1e6) / deliveries,
      sysUs: ((cpu.system - cpuBefore.system) * 1e6) / deliveries,
      clientUs: (client.user + client.system) / deliveries
    }
    console.error(JSON.stringify(sample))
    return sample
  } finally {
    members.close()
    await server.stop()
  }
}

const machine = machineInfo()
const samples: Sample[] = []
for (const batch of batches) {
  for (let r = 1; r <= argv.rounds; r++) {
    const order = specs.map((_, i) => specs[(i + r - 1) % specs.length] as ServerSpec)
    for (const spec of order) samples.push(await measure(spec, batch, r))
  }
}

const range = (xs: number[]): string => `${round(median(xs), 2)} (${round(Math.min(...xs), 2)}–${round(Math.max(...xs), 2)})`
const rows: Array<Array<string | number>> = []
for (const batch of batches) {
  const first = samples.filter(s => s.batch === batch && s.server === specs[0]?.label)
  for (const spec of specs) {
    const mine = samples.filter(s => s.batch === batch && s.server === spec.label)
    const total = mine.map(s => s.userUs + s.sysUs)
    // The ratio of each round's pair (neighbours in time), then their median and range.
    const ratios = mine.flatMap(s => {
      const f = first.find(x => x.round === s.round)
      return f === undefined ? [] : [(s.userUs + s.sysUs) / (f.userUs + f.sysUs)]
    })
    rows.push([spec.label, batch, range(total), range(mine.map(s => s.userUs)), range(mine.map(s => s.sysUs)),
      round(median(mine.map(s => s.sysUs / (s.userUs + s.sysUs))) * 100, 0), range(ratios), round(median(mine.map(s => s.clientUs)), 2)])
  }
}
const markdown = [
  `Run: \`node dist/bench/fanout-check.js --servers ${argv.servers} --clients ${argv.clients} --messages ${argv.messages} --batches ${argv.batches} --rounds ${argv.rounds}\``,
  '',
  `Machine: ${machineLine(machine)}`,
  '',
  `Server CPU µs per delivery, medians of ${argv.rounds} rounds (min–max); ratio: to ${specs[0]?.label ?? '?'} in the same round.`,
  '',
  markdownTable(['server', 'lines per write', 'CPU µs / delivery', 'user', 'sys', 'sys %', `ratio to ${specs[0]?.label ?? '?'}`, 'members\' CPU µs / delivery'], rows)
].join('\n')
console.log(markdown)
if (argv.write) writeBenchSection('docs/benchmarks.md', 'fanout-check', markdown)

/**
 * The peer of the loadgen's receive path: a bare Node reader (net.connect with `onread`, a
 * shared buffer, counting newlines and nothing else) on as many loopback sockets, fed by a child
 * process at the same rate per socket, spread over time as a room's deliveries are. Its CPU per
 * socket read is the floor of what Node pays on this machine, for that shape of traffic, before
 * any parsing; the loadgen's figure is compared with it.
 */
import { connect } from 'node:net'
import { fork } from 'node:child_process'
import { fileURLToPath } from 'node:url'

export interface ReadFloor {
  sockets: number
  reads: number
  lines: number
  cpuUsPerRead: number
}

export async function measureReadFloor (sockets: number, perSocketPerS: number, seconds = 10): Promise<ReadFloor> {
  const writer = fork(fileURLToPath(new URL('./read-floor-writer.js', import.meta.url)), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: [] })
  try {
    const { port } = await new Promise<{ port: number }>(resolve => writer.once('message', resolve as (m: unknown) => void))
    const buffer = Buffer.allocUnsafe(64 * 1024)
    let reads = 0
    let lines = 0
    const conns = []
    for (let i = 0; i < sockets; i++) {
      const s = connect({
        host: '127.0.0.1',
        port,
        onread: {
          buffer,
          callback: (n: number, b: Uint8Array) => {
            reads++
            for (let j = 0; j < n; j++) if (b[j] === 10) lines++
            return true
          }
        }
      })
      conns.push(s)
      await new Promise(resolve => s.once('connect', resolve))
    }
    const before = process.cpuUsage()
    writer.send({ perSocketPerS, seconds })
    const { written } = await new Promise<{ written: number }>(resolve => writer.once('message', resolve as (m: unknown) => void))
    // Let the last lines arrive.
    while (lines < written) await new Promise(resolve => setImmediate(resolve))
    const cpu = process.cpuUsage(before)
    for (const s of conns) s.destroy()
    return { sockets, reads, lines, cpuUsPerRead: Math.round(((cpu.user + cpu.system) / reads) * 100) / 100 }
  } finally {
    writer.kill()
  }
}

/**
 * Write batching micro-benchmark, shaped like one loop iteration of a fan-out: 10 relayed
 * lines (the same Buffer) to each of 50 loopback sockets, written as the server's Outbox does
 * (held, concatenated, one socket.write per socket), with cork/uncork (one writev per socket,
 * one Writable record per line), and with one socket.write per line (the peer: one write(2)
 * per line). Readers drain the other ends. Same sockets, same run.
 */
import { once } from 'node:events'
import { createServer, connect, type Socket } from 'node:net'
import { afterAll, beforeAll, bench, describe } from 'vitest'

const LINE = Buffer.from(':client0001!c@127.0.0.1 PRIVMSG #soak :t=1712345678901 seq=42 the quick brown fox jumps\r\n')
const LINES = 10
const SOCKETS = 50
const writers: Socket[] = []
let received = 0
let expected = 0
const server = createServer(s => { s.on('data', d => { received += d.length }) })

async function drained (): Promise<void> {
  expected += SOCKETS * LINES * LINE.length
  while (received < expected) await new Promise(resolve => setImmediate(resolve))
}

beforeAll(async () => {
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const port = (server.address() as { port: number }).port
  for (let i = 0; i < SOCKETS; i++) {
    const w = connect({ port, host: '127.0.0.1', noDelay: true })
    await once(w, 'connect')
    writers.push(w)
  }
})

afterAll(() => {
  for (const w of writers) w.destroy()
  server.close()
})

describe(`${LINES} lines to each of ${SOCKETS} sockets`, () => {
  bench('held, one write per socket (soakwatch Outbox)', async () => {
    for (const w of writers) {
      const held: Buffer[] = []
      for (let i = 0; i < LINES; i++) held.push(LINE)
      w.write(Buffer.concat(held))
    }
    await drained()
  })

  bench('cork, writes, uncork', async () => {
    for (const w of writers) {
      w.cork()
      for (let i = 0; i < LINES; i++) w.write(LINE)
      w.uncork()
    }
    await drained()
  })

  bench('one write per line (peer)', async () => {
    for (const w of writers) {
      for (let i = 0; i < LINES; i++) w.write(LINE)
    }
    await drained()
  })
})

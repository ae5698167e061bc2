/**
 * Write batching micro-benchmark: 64 relayed lines to one loopback socket, corked and flushed
 * once (the server's Outbox: one writev) against one socket.write per line (one write(2)
 * each), with a reader draining the other end. Same socket pair, same run.
 */
import { once } from 'node:events'
import { createServer, connect, type Socket } from 'node:net'
import { afterAll, beforeAll, bench, describe } from 'vitest'

const LINE = Buffer.from(':client0001!c@127.0.0.1 PRIVMSG #soak :t=1712345678901 seq=42 the quick brown fox jumps\r\n')
const LINES = 64
let writer: Socket
let received = 0
let expected = 0
const server = createServer(s => { s.on('data', d => { received += d.length }) })

async function drained (): Promise<void> {
  expected += LINES * LINE.length
  while (received < expected) await new Promise(resolve => setImmediate(resolve))
}

beforeAll(async () => {
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  writer = connect({ port: (server.address() as { port: number }).port, host: '127.0.0.1', noDelay: true })
  await once(writer, 'connect')
})

afterAll(() => {
  writer.destroy()
  server.close()
})

describe(`${LINES} lines to one socket`, () => {
  bench('corked, one flush (soakwatch Outbox)', async () => {
    writer.cork()
    for (let i = 0; i < LINES; i++) writer.write(LINE)
    writer.uncork()
    await drained()
  })

  bench('one write per line (peer)', async () => {
    for (let i = 0; i < LINES; i++) writer.write(LINE)
    await drained()
  })
})

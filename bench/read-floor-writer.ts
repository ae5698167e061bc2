/**
 * Child process of bench/read-floor.ts: accepts N connections on loopback, then writes one
 * relayed-message-sized line to every connection per round, at a fixed pace.
 */
import { createServer } from 'node:net'
import type { Socket } from 'node:net'

const sockets: Socket[] = []
const server = createServer(s => { s.setNoDelay(true); sockets.push(s) })
const LINE = ':s1!~s1@127.0.0.1 PRIVMSG #soak-1 :sw1 12 34 1234567890\r\n'

server.listen(0, '127.0.0.1', () => {
  const addr = server.address()
  process.send?.({ port: typeof addr === 'object' && addr !== null ? addr.port : 0 })
})
process.on('message', (m: { rounds: number, everyMs: number }) => {
  let done = 0
  const timer = setInterval(() => {
    for (const s of sockets) s.write(LINE)
    if (++done === m.rounds) {
      clearInterval(timer)
      process.send?.({ done: true })
    }
  }, m.everyMs)
})
process.on('disconnect', () => process.exit(0))

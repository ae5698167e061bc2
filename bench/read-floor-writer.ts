/**
 * Child process of bench/read-floor.ts: accepts N connections on loopback, then writes
 * relayed-message-sized lines to them round-robin, spread evenly over time (every 5 ms the next
 * share of sockets), at a given rate per socket — the shape of a room's deliveries, not a burst.
 */
import { createServer } from 'node:net'
import type { Socket } from 'node:net'

const sockets: Socket[] = []
const server = createServer(s => { s.setNoDelay(true); sockets.push(s) })
const LINE = ':s1!~s1@127.0.0.1 PRIVMSG #soak-1 :sw1 12 34 1234567890\r\n'
const TICK_MS = 5

server.listen(0, '127.0.0.1', () => {
  const addr = server.address()
  process.send?.({ port: typeof addr === 'object' && addr !== null ? addr.port : 0 })
})
process.on('message', (m: { perSocketPerS: number, seconds: number }) => {
  const perTick = (sockets.length * m.perSocketPerS * TICK_MS) / 1000
  const total = Math.round(sockets.length * m.perSocketPerS * m.seconds)
  let owed = 0
  let next = 0
  let written = 0
  const timer = setInterval(() => {
    owed += perTick
    for (; owed >= 1 && written < total; owed--, written++) {
      (sockets[next] as Socket).write(LINE)
      next = (next + 1) % sockets.length
    }
    if (written >= total) {
      clearInterval(timer)
      process.send?.({ written })
    }
  }, TICK_MS)
})
process.on('disconnect', () => process.exit(0))

/**
 * The server command as a process: readiness line, NDJSON lifecycle log, --log FILE, the
 * inspector with the stats accessor reachable over CDP, and exit code 2 on bad input.
 */
import { once } from 'node:events'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import CDP from 'chrome-remote-interface'
import { describe, expect, it, onTestFinished } from 'vitest'
import { TestClient } from '../../server/test/helper.js'
import { spawnServer, startServerProcess } from './spawn-server.js'

describe('npm run server', () => {
  it('prints the readiness line, logs each lifecycle as NDJSON on stderr, and exits 0 on SIGTERM', async () => {
    const s = await startServerProcess([])
    const c = await TestClient.connect(s.port)
    const local = c.socket.localPort
    await c.register('cli')
    c.send('NICK cli2')
    await c.expect(':cli!cli@127.0.0.1 NICK cli2')
    c.send('QUIT :done')
    await c.closed
    await s.record(r => r.event === 'close')
    const records = s.records()
    expect(records.map(r => r.event)).toEqual(['open', 'registered', 'nick', 'close'])
    expect(records[0]).toMatchObject({ event: 'open', conn: 1, remote: `127.0.0.1:${local}`, pid: s.child.pid })
    expect(records[3]).toMatchObject({ event: 'close', conn: 1, nick: 'cli2', reason: 'quit', by: 'client', msgsIn: 4 })
    for (const key of ['bytesIn', 'bytesOut', 'msgsOut', 'durationMs', 'time', 'level']) expect(typeof records[3]?.[key]).toBe('number')
    s.child.kill('SIGTERM')
    expect(await s.exited).toEqual({ code: 0, signal: null })
    expect(s.stdout).toEqual([`listening 127.0.0.1:${s.port}`, 'shutting down on SIGTERM', 'closed'])
  })

  it('keeps running when its stdout reader goes away, and still shuts down cleanly', async () => {
    const s = await startServerProcess([])
    s.child.stdout!.destroy()
    const c = await TestClient.connect(s.port)
    await c.register('alone')
    s.child.kill('SIGTERM')
    await c.expect('ERROR :Closing Link: 127.0.0.1 (Server shutting down)')
    expect(await s.exited).toEqual({ code: 0, signal: null })
    expect(s.records().map(r => r.event)).toEqual(['open', 'registered', 'close'])
  })

  it('appends the log to --log FILE', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'soakwatch-log-'))
    onTestFinished(() => { rmSync(dir, { recursive: true, force: true }) })
    const file = join(dir, 'nested', 'server.ndjson')
    const s = await startServerProcess(['--log', file])
    const c = await TestClient.connect(s.port)
    c.socket.end()
    await c.closed
    s.child.kill('SIGINT')
    expect((await s.exited).code).toBe(0)
    const events = readFileSync(file, 'utf8').trim().split('\n').map(l => (JSON.parse(l) as { event: string }).event)
    expect(events).toEqual(['open', 'close'])
    expect(s.stderr).toEqual([])
  })

  it('opens the inspector on loopback and publishes the stats accessor there', async () => {
    const s = await startServerProcess(['--inspect'])
    const [, url, port] = await s.line(/^devtools (ws:\/\/127\.0\.0\.1:(\d+)\/\S+)$/)
    expect(Number(port)).toBeGreaterThan(0)
    const c = await TestClient.connect(s.port)
    await c.register('seen')
    const cdp = await CDP({ target: url })
    onTestFinished(async () => { await cdp.close() })
    const { result } = await cdp.Runtime.evaluate({ expression: "globalThis[Symbol.for('soakwatch.stats')]()", returnByValue: true })
    expect(result.value).toMatchObject({ connectionsOpen: 1, registered: 1, nicks: 1, drops: 0 })
  })

  it('refuses a non-loopback inspector host with one clear line and exit code 2', async () => {
    const s = spawnServer(['--port', '0', '--inspect', '0.0.0.0:9229'])
    expect(await s.exited).toEqual({ code: 2, signal: null })
    expect(s.stderr).toHaveLength(1)
    expect(s.stderr[0]).toMatch(/^soakwatch server: SW_CLI_INSPECT_NOT_LOOPBACK: --inspect refuses non-loopback host "0\.0\.0\.0"/)
    expect(s.stdout).toEqual([])
  })

  it('exits 2 on an unknown option and on a port already in use; 0 with help', async () => {
    const bad = spawnServer(['--leak', 'memory'])
    expect((await bad.exited).code).toBe(2)
    expect(bad.stderr.join('\n')).toMatch(/^soakwatch server: SW_CLI_USAGE: Invalid values:.*memory.*\(see: npm run server -- --help\)$/s)

    const blocker = createServer()
    blocker.listen(0, '127.0.0.1')
    await once(blocker, 'listening')
    onTestFinished(() => { blocker.close() })
    const taken = spawnServer(['--port', String((blocker.address() as { port: number }).port)])
    expect((await taken.exited).code).toBe(2)
    expect(taken.stderr.join('\n')).toMatch(/^soakwatch server: SW_SERVER_LISTEN: cannot listen on 127\.0\.0\.1:\d+: .*EADDRINUSE/)

    const help = spawnServer(['--help'])
    expect((await help.exited).code).toBe(0)
    expect(help.stdout.join('\n')).toContain('Examples:')
  })
})

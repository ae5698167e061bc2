import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { freePort, startServer } from '../../bench/irc-servers.js'
import type { RunningServer } from '../../bench/irc-servers.js'
import { parseLoadResult } from '../../loadgen/src/load-result.js'

// The built command, as `npm run loadgen` runs it (`npm test` builds first).
const SCRIPT = fileURLToPath(new URL('../../dist/scripts/loadgen.js', import.meta.url))
const quick = ['--min-interval', '20', '--max-interval', '60', '--connect-rate', '1000']

interface Run {
  child: ChildProcess
  stdout: () => string
  stderr: () => string
  /** Resolves when stderr contains `text`. */
  waitFor: (text: string) => Promise<void>
  exit: Promise<number | null>
}

const children = new Set<ChildProcess>()
let tmp: string
beforeAll(() => { tmp = mkdtempSync(join(tmpdir(), 'soakwatch-cli-')) })
afterAll(() => rmSync(tmp, { recursive: true, force: true }))
afterEach(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL')
  children.clear()
})

function loadgen (args: string[]): Run {
  const child = spawn(process.execPath, [SCRIPT, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  children.add(child)
  let out = ''
  let err = ''
  const waiters: Array<{ text: string, resolve: () => void }> = []
  child.stdout.on('data', (b: Buffer) => { out += b.toString() })
  child.stderr.on('data', (b: Buffer) => {
    err += b.toString()
    for (const w of [...waiters]) {
      if (!err.includes(w.text)) continue
      waiters.splice(waiters.indexOf(w), 1)
      w.resolve()
    }
  })
  const exit = new Promise<number | null>(resolve => child.once('exit', code => resolve(code)))
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    waitFor: async text => await new Promise<void>((resolve, reject) => {
      if (err.includes(text)) return resolve()
      waiters.push({ text, resolve })
      void exit.then(() => reject(new Error(`exited before printing ${JSON.stringify(text)}\n${err}`)))
    }),
    exit
  }
}

describe('npm run loadgen (no server needed)', () => {
  it('shows help with examples and exits 0', async () => {
    const r = loadgen(['--help'])
    expect(await r.exit).toBe(0)
    expect(r.stdout()).toContain('Examples:')
  })

  it('exits 2 with a usage error on an unknown option', async () => {
    const r = loadgen(['--clinets', '5'])
    expect(await r.exit).toBe(2)
    expect(r.stderr()).toContain('SW_CLI_USAGE')
  })

  it('exits 2 when nothing listens on the port', async () => {
    const r = loadgen(['--port', String(await freePort()), '--clients', '3', ...quick])
    expect(await r.exit).toBe(2)
    expect(r.stdout()).toContain('error SW_LOADGEN_TARGET_UNREACHABLE')
  })
})

describe('npm run loadgen against ngircd', () => {
  let ngircd: RunningServer
  beforeAll(async () => { ngircd = await startServer('ngircd') })
  afterAll(async () => { await ngircd?.stop() })

  it('prints the JSON result alone on stdout with --json - and the summary on stderr', async () => {
    const r = loadgen(['--port', String(ngircd.port), '--clients', '20', '--messages', '2', '--json', '-', ...quick])
    expect(await r.exit).toBe(0)
    const result = parseLoadResult(JSON.parse(r.stdout()))
    expect(result.outcome).toBe('complete')
    expect(result.messages).toMatchObject({ sent: 40, expected: 40 * 19, lost: 0 })
    expect(r.stderr()).toContain('outcome: complete')
    expect(r.stderr()).toContain('phase: sending')
  })

  it('stops the clients on SIGINT, prints the partial summary and exits 130', async () => {
    const r = loadgen(['--port', String(ngircd.port), '--clients', '10', '--messages', '10000', ...quick])
    await r.waitFor('phase: sending')
    r.child.kill('SIGINT')
    expect(await r.exit).toBe(130)
    expect(r.stderr()).toContain('SIGINT: stopping clients')
    expect(r.stdout()).toContain('outcome: stopped (partial results)')
    expect(r.stdout()).toMatch(/QUIT → closed[^\n]*\n[^\n]*\n│ 10 /)
  })
})

describe('npm run loadgen when the server dies mid-run', () => {
  it('says so clearly, writes the partial result and exits 2', async () => {
    const server = await startServer('ngircd')
    try {
      const file = join(tmp, 'partial.json')
      const r = loadgen(['--port', String(server.port), '--clients', '10', '--messages', '10000', '--json', file, ...quick])
      await r.waitFor('phase: sending')
      await server.kill()
      expect(await r.exit).toBe(2)
      expect(r.stdout()).toContain('outcome: target-lost (partial results)')
      expect(r.stdout()).toContain('error SW_LOADGEN_TARGET_LOST')
      const partial = parseLoadResult(JSON.parse(readFileSync(file, 'utf8')))
      expect(partial.outcome).toBe('target-lost')
      expect(partial.clients.joined).toBe(10)
    } finally {
      await server.stop()
    }
  })
})

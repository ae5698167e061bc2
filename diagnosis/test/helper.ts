/**
 * Shared helpers for tests that run real targets: the built preload, fixtures, clients on
 * 127.0.0.1, and teardown registered as soon as something is started.
 */
import { once } from 'node:events'
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { connect } from 'node:net'
import { dirname, isAbsolute, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { onTestFinished } from 'vitest'
import { InspectorSession } from '../src/inspector-session.js'
import { sampleFromCounts } from '../src/settle.js'
import type { SettleResult } from '../src/wait-for-settle.js'
import { waitForSettle } from '../src/wait-for-settle.js'
import type { Inventory, LiveResource } from '../src/hooks/inventory.js'
import type { TargetOptions, TargetSpec } from '../src/target/target-process.js'
import { freePort, TargetProcess } from '../src/target/target-process.js'
import { spawn } from 'node:child_process'

const here = dirname(fileURLToPath(import.meta.url))
export const repoRoot = resolve(here, '../..')
export const fixture = (name: string): string => join(here, 'fixtures', name)

/** The compiled preload; tests that spawn targets need `npm run build` first (pretest does it). */
export const hooksPath = join(repoRoot, 'dist/diagnosis/src/hooks/preload.js')

/** A node command line for a fixture, quoted for parseCommand. */
export const nodeCommand = (file: string, args: string): string => `'${process.execPath}' '${fixture(file)}' ${args}`

/** A fresh temporary folder, removed when the test ends. */
export async function tempDir (): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'soakwatch-test-'))
  onTestFinished(async () => { await rm(dir, { recursive: true, force: true }) })
  return dir
}

/** Starts a target and stops it when the test ends. */
export async function startTarget (spec: TargetSpec, options: Partial<TargetOptions> = {}): Promise<TargetProcess> {
  if (!existsSync(hooksPath)) throw new Error(`${hooksPath} is missing: run npm run build first`)
  const target = await TargetProcess.start(spec, { hooksPath, readyTimeoutMs: 15_000, ...options })
  onTestFinished(async () => { await target.stop() })
  return target
}

/** Connects an inspector session and closes it when the test ends. */
export async function inspect (target: TargetProcess): Promise<InspectorSession> {
  const session = await InspectorSession.connect(target.devtoolsUrl)
  onTestFinished(async () => { await session.close() })
  return session
}

/**
 * Starts a fixture under an inspector but without the hooks (as a user who forgot the
 * preload would), ready once its DevTools URL is printed and its port accepts connections;
 * killed when the test ends. TargetProcess refuses such a target, so tests of that case use this.
 */
export async function startWithoutHooks (file: string): Promise<{ url: string, port: number, pid: number }> {
  const port = await freePort('127.0.0.1')
  const child = spawn(process.execPath, ['--inspect=127.0.0.1:0', isAbsolute(file) ? file : fixture(file), '--port', String(port)], { stdio: ['ignore', 'ignore', 'pipe'] })
  onTestFinished(() => { child.kill('SIGKILL') })
  let stderr = ''
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no inspector URL from ${file}: ${stderr}`)), 10_000)
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8')
      const match = /Debugger listening on (ws:\/\/\S+)/.exec(stderr)
      if (match?.[1] !== undefined) {
        clearTimeout(timer)
        resolve(match[1])
      }
    })
  })
  for (let i = 0; ; i++) {
    const socket = connect({ host: '127.0.0.1', port })
    const ok = await once(socket, 'connect').then(() => true, () => false)
    socket.destroy()
    if (ok) break
    if (i > 200) throw new Error(`${file} never listened on ${port}`)
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
  return { url, port, pid: child.pid ?? -1 }
}

/**
 * Runs `count` clients in parallel: each sends a line, waits for the echo (or the server's
 * FIN), sends its own FIN and closes. Resolves when every client socket has closed.
 */
export async function runClients (port: number, count: number): Promise<void> {
  const signal = AbortSignal.timeout(10_000)
  await Promise.all(Array.from({ length: count }, async (_, i) => {
    const socket = connect({ host: '127.0.0.1', port })
    onTestFinished(() => { socket.destroy() })
    await once(socket, 'connect', { signal })
    socket.write(`client ${i}\n`)
    await once(socket, 'data', { signal })
    socket.end(() => socket.destroy())
    await once(socket, 'close', { signal })
  }))
}

/** Polls the target's counts until they hold still (the soak's settle step). */
export async function settle (session: InspectorSession): Promise<SettleResult> {
  return await waitForSettle(async () => sampleFromCounts(await session.counts()))
}

/** A live resource for pure tests; `id` and `type` are required, the rest has defaults. */
export function resource (fields: Partial<LiveResource> & Pick<LiveResource, 'id'>): LiveResource {
  return {
    type: 'TCPWRAP',
    kind: 'socket',
    triggerId: 1,
    site: '/app/server.js:10:5',
    siteSource: 'stack',
    siteInDependency: false,
    createdAtMs: fields.id,
    refed: true,
    ...fields
  }
}

/** An inventory for pure tests. */
export function inventory (resources: LiveResource[], fields: Partial<Inventory> = {}): Inventory {
  return {
    schema: 'soakwatch.inventory/1',
    pid: 100,
    takenAt: 0,
    uptimeMs: 0,
    hooks: { installedAt: 0, tracked: resources.length, pruned: 0, failure: null },
    activeResources: {},
    resources,
    memory: {},
    heap: {},
    stats: null,
    statsError: null,
    ...fields
  }
}

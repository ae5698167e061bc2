/**
 * Spawns the built server (`dist/scripts/server.js`) and follows its stdout lines, its stderr
 * NDJSON log and its exit. Killed after the test if still running.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { onTestFinished } from 'vitest'

export const SERVER_JS = fileURLToPath(new URL('../../dist/scripts/server.js', import.meta.url))

export interface SpawnedServer {
  child: ChildProcess
  stdout: string[]
  /** stderr lines: NDJSON records, plus whatever Node itself prints there. */
  stderr: string[]
  /** Parsed NDJSON records of stderr (non-JSON lines skipped). */
  records: () => Array<Record<string, unknown>>
  /** Resolves with the first stdout line matching `re`. */
  line: (re: RegExp) => Promise<RegExpExecArray>
  /** Resolves once at least `n` records pass `test`. */
  record: (test: (r: Record<string, unknown>) => boolean, n?: number) => Promise<void>
  exited: Promise<{ code: number | null, signal: NodeJS.Signals | null }>
}

export function spawnServer (args: string[]): SpawnedServer {
  if (!existsSync(SERVER_JS)) throw new Error(`${SERVER_JS} is missing: run "npm run build" first`)
  const child = spawn(process.execPath, ['--enable-source-maps', SERVER_JS, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  onTestFinished(() => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL') })
  const stdout: string[] = []
  const stderr: string[] = []
  const waiters = new Set<() => void>()
  const wake = (): void => { for (const w of [...waiters]) w() }
  createInterface({ input: child.stdout! }).on('line', l => { stdout.push(l); wake() })
  createInterface({ input: child.stderr! }).on('line', l => { stderr.push(l); wake() })
  const exited = new Promise<{ code: number | null, signal: NodeJS.Signals | null }>(resolve => {
    // 'close', not 'exit': by then stdout and stderr have been read to the end.
    child.once('close', (code, signal) => { wake(); resolve({ code, signal }) })
  })
  const records = (): Array<Record<string, unknown>> => stderr.flatMap(l => {
    try { return [JSON.parse(l) as Record<string, unknown>] } catch { return [] }
  })
  const until = async <T>(probe: () => T | undefined, what: string): Promise<T> => await new Promise((resolve, reject) => {
    const check = (): void => {
      const found = probe()
      if (found !== undefined) {
        waiters.delete(check)
        resolve(found)
      } else if (child.exitCode !== null || child.signalCode !== null) {
        waiters.delete(check)
        reject(new Error(`server exited before ${what}; stdout:\n${stdout.join('\n')}\nstderr:\n${stderr.slice(-10).join('\n')}`))
      }
    }
    waiters.add(check)
    check()
  })
  return {
    child,
    stdout,
    stderr,
    records,
    exited,
    line: async re => await until(() => stdout.map(l => re.exec(l)).find(m => m !== null) ?? undefined, `a line matching ${String(re)}`),
    record: async (test, n = 1) => { await until(() => records().filter(test).length >= n ? true : undefined, `${n} matching record(s)`) }
  }
}

/** Spawns and waits for `listening HOST:PORT`. */
export async function startServerProcess (args: string[]): Promise<SpawnedServer & { port: number }> {
  const s = spawnServer(['--port', '0', ...args])
  const m = await s.line(/^listening 127\.0\.0\.1:(\d+)$/)
  return { ...s, port: Number(m[1]) }
}

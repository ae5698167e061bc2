/**
 * Runs the built `npm run soak` entry point as a subprocess in a temporary working directory
 * (its reports/ and profiles/ land there), following stdout and stderr. Killed after the test
 * if still running.
 */
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { onTestFinished } from 'vitest'

export const SOAK_JS = fileURLToPath(new URL('../../dist/scripts/soak.js', import.meta.url))

/** Flags of a quick soak: a small load through the same options a user has; `over` replaces flags. */
export function quick (over: Record<string, string> = {}): string[] {
  const flags: Record<string, string> = { clients: '12', 'min-interval': '20', 'max-interval': '60', messages: '2', 'connect-rate': '1000', 'quit-timeout': '1000', 'drain-timeout': '2000', ...over }
  return Object.entries(flags).flatMap(([flag, value]) => [`--${flag}`, value])
}

export interface SoakRun {
  child: ChildProcess
  cwd: string
  stdout: () => string
  stderr: () => string
  /** Resolves once stderr contains `text`; rejects if the process exits first. */
  waitForStderr: (text: string | RegExp) => Promise<void>
  /** Exit code (null when killed by a signal). */
  exit: Promise<number | null>
}

/** A temporary working directory, removed when the test ends. */
export async function tempCwd (): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'soakwatch-cli-'))
  onTestFinished(async () => { await rm(dir, { recursive: true, force: true }) })
  return dir
}

/** Starts the command in `cwd` (default: a fresh temporary directory). */
export async function runSoakCli (args: string[], cwd?: string): Promise<SoakRun> {
  const dir = cwd ?? await tempCwd()
  const child = spawn(process.execPath, [SOAK_JS, ...args], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] })
  onTestFinished(() => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL') })
  let out = ''
  let err = ''
  const waiters = new Set<() => void>()
  child.stdout?.on('data', (b: Buffer) => { out += b.toString() })
  child.stderr?.on('data', (b: Buffer) => {
    err += b.toString()
    for (const w of [...waiters]) w()
  })
  // 'close', not 'exit': by then stdout and stderr have been read to the end.
  const exit = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)))
  const matches = (text: string | RegExp): boolean => typeof text === 'string' ? err.includes(text) : text.test(err)
  return {
    child,
    cwd: dir,
    stdout: () => out,
    stderr: () => err,
    waitForStderr: async (text) => await new Promise<void>((resolve, reject) => {
      const check = (): void => {
        if (!matches(text)) return
        waiters.delete(check)
        resolve()
      }
      waiters.add(check)
      check()
      void exit.then(() => { if (waiters.delete(check)) reject(new Error(`exited before printing ${String(text)}\n${err}`)) })
    }),
    exit
  }
}

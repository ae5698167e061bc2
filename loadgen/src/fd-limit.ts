/**
 * The file-descriptor budget of this process.
 *
 * Node cannot call setrlimit(2). At startup it already raises the soft RLIMIT_NOFILE to the hard
 * limit (src/node.cc, PlatformInit), so the only headroom left is the hard limit itself, which
 * needs CAP_SYS_RESOURCE. We try `prlimit --pid <self>` (util-linux), which calls prlimit(2) on
 * this running process — no re-exec needed — and re-read /proc/self/limits to see whether it
 * took. When it did not, the caller gets a clear error with the numbers and the way out
 * (--workers, `ulimit -Hn` as root) instead of EMFILE half-way through the ramp.
 */
import { readFileSync } from 'node:fs'
import { spawnSync } from 'node:child_process'
import { FdLimitError } from './errors.js'

/** Descriptors kept for everything that is not a client socket (stdio, IPC, epoll, files). */
export const FD_RESERVE = 64

export interface FdLimitReport {
  soft: number
  hard: number
  needed: number
  raised: boolean
}

/** Soft and hard RLIMIT_NOFILE of this process; Infinity when unlimited or unknown. */
export function readFdLimit (): { soft: number, hard: number } {
  try {
    const line = readFileSync('/proc/self/limits', 'latin1').split('\n').find(l => l.startsWith('Max open files'))
    const m = line === undefined ? null : /^Max open files\s+(\S+)\s+(\S+)/.exec(line)
    if (m !== null) return { soft: limitValue(m[1] as string), hard: limitValue(m[2] as string) }
  } catch {
    // Not Linux (or no procfs): nothing to read, and nothing we could raise either.
  }
  return { soft: Infinity, hard: Infinity }
}

/**
 * Makes sure `sockets` client sockets fit in this process, raising the limit when possible.
 * @param workers - processes sharing the run, to size the advice in the error
 * @throws {FdLimitError} when they do not fit and the limit could not be raised
 */
export function ensureFdLimit (sockets: number, workers = 1, sys: FdLimitSystem = realSystem): FdLimitReport {
  const needed = sockets + FD_RESERVE
  const before = sys.read()
  if (before.soft >= needed) return { ...before, needed, raised: false }
  const target = Math.max(needed, before.hard === Infinity ? needed : before.hard)
  const failure = sys.raise(target)
  const after = sys.read()
  if (after.soft >= needed) return { ...after, needed, raised: true }
  const why = failure ?? 'the limit did not change'
  const perWorker = Math.max(1, after.soft - FD_RESERVE)
  throw new FdLimitError({
    needed,
    soft: after.soft,
    hard: after.hard,
    why: `${why}. Use --workers ${Math.ceil((sockets * workers) / perWorker)} or more (each worker has its own limit), or raise it before starting (ulimit -Hn as root)`
  })
}

/** How the limit is read and raised; replaced in tests, which must not change their own limits. */
export interface FdLimitSystem {
  read: () => { soft: number, hard: number }
  /** Tries to set soft and hard to `target`; returns why it failed, or undefined. */
  raise: (target: number) => string | undefined
}

const realSystem: FdLimitSystem = {
  read: readFdLimit,
  raise: target => {
    const r = spawnSync('prlimit', ['--pid', String(process.pid), `--nofile=${target}:${target}`], { encoding: 'utf8', timeout: 5000 })
    if (r.error !== undefined) return `prlimit is not available (${r.error.message})`
    if (r.status === 0) return undefined
    return `prlimit could not raise it (${(r.stderr ?? '').trim() || `exit ${r.status}`}): raising the hard limit needs CAP_SYS_RESOURCE`
  }
}

function limitValue (text: string): number {
  return text === 'unlimited' ? Infinity : Number(text)
}

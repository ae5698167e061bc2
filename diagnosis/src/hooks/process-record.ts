/**
 * How a hooked process makes itself known to the harness, and how it says which port it
 * serves. A target command may start several Node processes (npm and the server it runs, tsx
 * and its child, a cluster primary and its workers); each one that loads the preload writes a
 * record into the run's registry folder, named by `SOAKWATCH_REGISTRY` in its environment, which
 * every child inherits. The harness reads the folder to find every inspector in the target's
 * process tree, then asks each one what it serves (`TargetHooks.serving`).
 *
 * Types and constants only, plus the dependency-free writer the preload calls.
 */

/** Environment variable naming the registry folder; set by the harness for the target only. */
export const REGISTRY_ENV = 'SOAKWATCH_REGISTRY'
/** Bumped on any incompatible change to {@link ProcessRecord}. */
export const PROCESS_RECORD_SCHEMA = 'soakwatch.process/1'

/** What a hooked process writes to `<registry>/<pid>.json` when the preload runs. */
export interface ProcessRecord {
  schema: typeof PROCESS_RECORD_SCHEMA
  pid: number
  ppid: number
  /** Its inspector's DevTools URL; null when it runs without an inspector. */
  inspector: string | null
  argv: string[]
  execArgv: string[]
  cwd: string
  /** Epoch milliseconds when the preload ran. */
  startedAt: number
  /** True in a `cluster` worker (Node sets NODE_UNIQUE_ID for them). */
  clusterWorker: boolean
}

/** What a process answers when asked whether it serves a port. */
export interface ServingReport {
  pid: number
  port: number
  /** It holds a listening TCP server on the port (a cluster primary does, for its workers). */
  listening: boolean
  /** TCP connections it holds whose local port is the port: it accepted them. */
  accepted: number
  /** In a cluster primary: its workers and their state (`listening` once they serve). */
  workers: Array<{ pid: number, state: string }>
}

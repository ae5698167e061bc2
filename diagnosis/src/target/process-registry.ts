/**
 * The registry folder of one target: every Node process the target command starts loads the
 * hooks, which write `<pid>.json` there (../hooks/process-record.ts). Reading it finds the
 * whole Node part of the target's process tree — a wrapper (npm, npx, tsx, sh -c), the server,
 * a cluster's primary and workers — without walking /proc or parsing stderr.
 *
 * Contract: records are written whole (temporary name, then rename), so a record that does not
 * parse is not half-written but foreign, and is reported as such rather than skipped.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ProcessRecord } from '../hooks/process-record.js'
import { PROCESS_RECORD_SCHEMA } from '../hooks/process-record.js'

export class ProcessRegistry {
  readonly dir: string
  /** Files that were not process records of this schema (named, never silently dropped). */
  readonly foreign: string[] = []

  private constructor (dir: string) {
    this.dir = dir
  }

  /** A fresh, empty registry folder under the system's temporary folder. */
  static create (): ProcessRegistry {
    return new ProcessRegistry(mkdtempSync(join(tmpdir(), 'soakwatch-processes-')))
  }

  /** Every record written so far, oldest process first. Synchronous: it also runs from an `exit` handler. */
  records (): ProcessRecord[] {
    let names: string[]
    try {
      names = readdirSync(this.dir)
    } catch {
      return [] // removed: the target is gone and so are its records
    }
    const records: ProcessRecord[] = []
    for (const name of names) {
      if (!name.endsWith('.json')) continue // `<pid>.json.tmp` is a record being written
      const record = parseRecord(readFileSafe(join(this.dir, name)))
      if (record === undefined) {
        if (!this.foreign.includes(name)) this.foreign.push(name)
        continue
      }
      records.push(record)
    }
    return records.sort((a, b) => a.startedAt - b.startedAt || a.pid - b.pid)
  }

  /** Pids of every recorded process. */
  pids (): number[] {
    return this.records().map((r) => r.pid)
  }

  /** Removes the folder. Never throws. */
  remove (): void {
    rmSync(this.dir, { recursive: true, force: true })
  }
}

function readFileSafe (path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8')
  } catch {
    return undefined // renamed over or removed between readdir and read
  }
}

/** A record of this schema, or undefined. Pure. */
export function parseRecord (text: string | undefined): ProcessRecord | undefined {
  if (text === undefined) return undefined
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return undefined
  }
  if (value === null || typeof value !== 'object') return undefined
  const r = value as Partial<ProcessRecord>
  if (r.schema !== PROCESS_RECORD_SCHEMA || typeof r.pid !== 'number' || typeof r.ppid !== 'number' || !Array.isArray(r.argv)) return undefined
  if (r.inspector !== null && typeof r.inspector !== 'string') return undefined
  return value as ProcessRecord
}

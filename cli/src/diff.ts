/**
 * `soakwatch diff`: compares heap snapshots offline and exits like the soak — 0 clean,
 * 1 leak flagged, 2 bad input — with a one-line error, never a stack trace.
 */
import { writeFile } from 'node:fs/promises'
import { compareHeapSnapshotFiles, type HeapProgressEvent } from '../../diagnosis/src/heap/compare-heap-snapshot-files.js'
import { ScanBudget } from '../../diagnosis/src/heap/scan-budget.js'
import { parseDiffArgs } from './diff-options.js'
import { OutputUnwritableError } from './errors.js'
import { EXIT_CLEAN, exitCodeForOutcome, exitForError } from './exit-codes.js'
import { formatBytes, renderHeapComparison } from './render-heap-comparison.js'

export interface DiffIo {
  stdout: { write: (text: string) => unknown }
  stderr: { write: (text: string) => unknown }
  now: () => number
}

/** Runs the command; returns the exit code. */
export async function runDiff (argv: readonly string[], io: DiffIo): Promise<number> {
  try {
    const args = parseDiffArgs(argv)
    if (args.kind === 'help') {
      io.stdout.write(`${args.text}\n`)
      return EXIT_CLEAN
    }
    const o = args.options
    // With --json -, stdout carries the JSON alone; everything for people goes to stderr.
    const human = o.json === '-' ? io.stderr : io.stdout
    const progress = (e: HeapProgressEvent): void => {
      if (e.type === 'read') io.stderr.write(`read ${e.phase}: ${e.path} (${formatBytes(e.bytes)}, ${e.nodes} nodes) in ${(e.ms / 1000).toFixed(1)} s\n`)
      else io.stderr.write(`analysed in ${(e.ms / 1000).toFixed(1)} s\n`)
    }
    const snapshots = o.snapshots
    const result = await compareHeapSnapshotFiles({
      baseline: snapshots[0]!,
      rounds: snapshots.slice(1, -1),
      final: snapshots[snapshots.length - 1]!,
      finalIsRound: o.finalIsRound || snapshots.length === 2,
      ...(o.clients === null ? {} : { clientsPerRound: o.clients.length === 1 ? o.clients[0]! : o.clients }),
      allowlist: o.allow,
      thresholds: {
        topSuspects: o.top,
        pathsPerSuspect: o.paths,
        minRounds: o.minRounds,
        minObjectsPerRound: o.minObjectsPerRound,
        minObjectsPerClient: o.minObjectsPerClient,
        singleRoundObjectsPerClient: o.singleRoundObjectsPerClient,
        proportionality: o.proportionality
      },
      budget: new ScanBudget({ maxMs: o.timeout * 1000, now: io.now }),
      maxMs: o.timeout * 1000,
      now: io.now,
      onProgress: progress
    })
    human.write(renderHeapComparison(result))
    if (o.json === '-') {
      io.stdout.write(`${JSON.stringify(result, null, 2)}\n`)
    } else if (o.json !== null) {
      try {
        await writeFile(o.json, `${JSON.stringify(result, null, 2)}\n`)
      } catch (err) {
        throw new OutputUnwritableError({ path: o.json, reason: (err as NodeJS.ErrnoException).code ?? String(err) }, { cause: err })
      }
    }
    // 'suspect' is reported, not fatal: only a leak fails the run.
    return exitCodeForOutcome(result.verdict === 'leak' ? 'leak' : 'clean')
  } catch (err) {
    const { code, reason } = exitForError(err)
    io.stderr.write(`soakwatch diff: ${reason.split('\n')[0]}\n`)
    return code
  }
}

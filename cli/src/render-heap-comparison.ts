/**
 * Renders a `HeapComparison` as text tables for a terminal (pure: result in, string out).
 */
import Table from 'cli-table3'
import type { HeapComparison, HeapSuspect } from '../../diagnosis/src/heap/heap-comparison.js'

/** 1536 → "1.5 KiB". */
export function formatBytes (bytes: number): string {
  const sign = bytes < 0 ? '-' : ''
  let value = Math.abs(bytes)
  const units = ['B', 'KiB', 'MiB', 'GiB']
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  return `${sign}${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`
}

const plain = { head: [], border: [] }
/** Suspects whose retainer paths are printed; the JSON has all of them. */
const PATH_ROWS_FOR = 5
const round2 = (n: number): string => Number.isInteger(n) ? String(n) : n.toFixed(2)
const shortSource = (source: string): string => source.split('/').pop() ?? source

function suspectsTable (result: HeapComparison): string {
  const table = new Table({
    head: ['#', 'class', 'verdict', 'new alive', 'survivors by round', 'per client/round', 'retained', 'why'],
    style: plain,
    wordWrap: true,
    colWidths: [4, 22, 12, 11, 20, 18, 11, 44]
  })
  result.suspects.forEach((s, i) => {
    const perClient = s.objectsPerClientPerRound === null ? '-' : `${round2(s.objectsPerClientPerRound)} obj, ${formatBytes(Math.round(s.bytesPerClientPerRound ?? 0))}`
    table.push([String(i + 1), s.className, s.verdict, String(s.newAlive.count), s.survivorsByRound.map((r) => r.count).join(' / '), perClient, formatBytes(s.newAlive.retainedSize), s.reason])
  })
  return table.toString()
}

function pathsTable (suspects: readonly HeapSuspect[]): string {
  const table = new Table({ head: ['class', 'held', 'shortest retainer path from the GC roots'], style: plain, wordWrap: true, colWidths: [22, 10, 110] })
  for (const s of suspects) {
    for (const p of s.retainerPaths) table.push([s.className, `${p.count}/${p.sampled}`, p.path])
  }
  return table.toString()
}

function classesTable (result: HeapComparison): string {
  const labels = result.phases.map((p) => p.label)
  const table = new Table({ head: ['class', `count (${labels.join(' → ')})`, 'self size Δ', 'new alive', 'note'], style: plain, wordWrap: true, colWidths: [30, 34, 13, 11, 40] })
  for (const c of result.classes) {
    const first = c.selfSizeByPhase[0] ?? 0
    const last = c.selfSizeByPhase[c.selfSizeByPhase.length - 1] ?? 0
    table.push([c.className, c.countsByPhase.join(' → '), formatBytes(last - first), String(c.newAlive.count), c.internal === undefined ? '' : `internal: ${c.internal}`])
  }
  return table.toString()
}

function phasesTable (result: HeapComparison): string {
  const table = new Table({ head: ['phase', 'snapshot', 'nodes', 'size', 'highest id'], style: plain })
  for (const p of result.phases) table.push([p.label, shortSource(p.source), String(p.nodeCount), formatBytes(p.totalSize), String(p.maxObjectId)])
  return table.toString()
}

/** The full report: headline, phases, suspects, retainer paths, class growth. */
export function renderHeapComparison (result: HeapComparison): string {
  const clients = result.clientsPerRound === null ? 'clients unknown' : `clients per round: ${result.clientsPerRound.join(', ')}`
  const parts = [
    `heap: ${result.headline}`,
    `${result.loadRounds} load round(s), ${clients}; allocated after the baseline and alive at the end: ${result.newAlive.count} objects, ${formatBytes(result.newAlive.selfSize)} (retaining ${formatBytes(result.newAlive.retainedSize)})`,
    phasesTable(result)
  ]
  if (result.suspects.length > 0) {
    parts.push('Suspects', suspectsTable(result))
    const withPaths = result.suspects.filter((s) => s.retainerPaths.length > 0).slice(0, PATH_ROWS_FOR)
    if (withPaths.length > 0) parts.push(`Retainer paths of the top ${withPaths.length} (how many of the sampled objects are held this way; all in --json)`, pathsTable(withPaths))
  } else {
    parts.push('No class survives the load above the thresholds.')
  }
  parts.push('Largest changes by class', classesTable(result))
  return parts.join('\n\n') + '\n'
}

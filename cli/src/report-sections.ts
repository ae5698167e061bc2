/**
 * The report as titled tables of display strings, shared by the console and Markdown
 * renderers so that both show the same numbers in the same order. Formatting only: every
 * number comes from the report model. Pure.
 */
import { relative, isAbsolute } from 'node:path/posix'
import type { LeakGroup } from '../../diagnosis/src/inventory-diff.js'
import type { LoadSummary, ReportProcess, RoundRecord, SoakReport } from '../../soak/src/report-model.js'
import { roundName } from '../../soak/src/report-model.js'
import { formatBytes } from './render-heap-comparison.js'

export interface Section {
  title: string
  head: string[]
  rows: string[][]
  /** Column alignment; numbers right. */
  align: Array<'left' | 'right'>
  /** Shown under the table (or alone when there are no rows). */
  notes: string[]
}

export interface SectionOptions {
  /** Creation sites under this folder are shown relative to it. */
  root?: string
  /** Open sessions and leak groups listed before "… and N more" (default 20). */
  listLimit?: number
}

/** All sections, in display order; the per-process ones once per diagnosed process. */
export function reportSections (report: SoakReport, options: SectionOptions = {}): Section[] {
  const several = report.processes.length > 1
  const perProcess = (p: ReportProcess): Section[] => [
    heapSuspectsSection(report, p, options),
    retainerPathsSection(p, options)
  ].map((s) => several ? { ...s, title: `${s.title} — ${processLabel(p)}` } : s)
  return [
    ...(report.target.tree.length > 1 || several ? [processesSection(report)] : []),
    loadSection(report),
    floorSection(report),
    handlesSection(report),
    leaksSection(report, options),
    lifecycleSection(report, options),
    heapSection(report),
    ...report.processes.flatMap(perProcess),
    verdictSection(report)
  ]
}

/** One line for the end of the output: the outcome and why. */
export function headline (report: SoakReport): string {
  if (report.outcome === 'error') {
    const why = report.errors[0]?.message ?? report.interruption ?? 'the run did not finish'
    return `ERROR: ${why}`
  }
  if (report.outcome === 'leak') return `LEAK: ${report.verdict.reasons.join('; ')}`
  if (report.outcome === 'inconclusive') return `INCONCLUSIVE: ${report.verdict.inconclusive ?? 'the load did not reach the target'}`
  return 'CLEAN: no leaked sockets, timers or sessions beyond the thresholds'
}

/** `worker pid 12`, `pid 12`. */
export function processLabel (p: Pick<ReportProcess, 'pid' | 'role'>): string {
  return `${p.role === 'worker' ? 'worker ' : ''}pid ${p.pid}`
}

/** Displays a creation site, shortened under `root`, with how it was found. */
export function displaySite (group: Pick<LeakGroup, 'site' | 'siteSource' | 'siteInDependency'>, root?: string): string {
  if (group.site === null) return '(unknown: no JS frames)'
  const site = root !== undefined && isAbsolute(group.site) && group.site.startsWith(`${root}/`) ? relative(root, group.site) : group.site
  const via = group.siteSource === 'trigger' ? ' (its server\'s listen)' : group.siteSource === 'context' ? ' (deferred call)' : ''
  return `${site}${via}${group.siteInDependency ? ' [dependency]' : ''}`
}


export function formatMs (ms: number): string {
  return ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`
}

function loadSection (report: SoakReport): Section {
  const irc = report.protocol === 'irc'
  const head = irc
    ? ['phase', 'clients', 'connected', 'joined', 'sent', 'expected', 'delivered', 'lost', 'loss', 'p50 ms', 'p99 ms', 'max ms']
    : ['phase', 'connections', 'answered', 'requests', '2xx', '3xx', '4xx', '5xx', 'errors', 'timeouts', 'req/s', 'p50 ms', 'p90 ms', 'p99 ms', 'p999 ms', 'max ms']
  const ms = (n: number): string => n.toFixed(1)
  const row = (name: string, l: LoadSummary): string[] => {
    if (l.irc !== null) {
      return [name, String(l.clients), String(l.connected), String(l.handshaked), String(l.irc.messagesSent), String(l.irc.expected), String(l.irc.delivered), String(l.irc.lost),
        `${(l.irc.lossRatio * 100).toFixed(2)} %`, ms(l.latencyMs.p50), ms(l.latencyMs.p99), ms(l.latencyMs.max)]
    }
    const h = l.http
    return [name, String(l.clients), String(l.handshaked), String(l.operations.sent), String(h?.s2xx ?? 0), String(h?.s3xx ?? 0), String(h?.s4xx ?? 0), String(h?.s5xx ?? 0),
      String(h?.errors ?? l.errorCount), String(h?.timeouts ?? 0), (h?.requestsPerS ?? 0).toFixed(0), ms(l.latencyMs.p50), ms(l.latencyMs.p90), ms(l.latencyMs.p99), ms(l.latencyMs.p999), ms(l.latencyMs.max)]
  }
  const rows = report.rounds.filter((r) => r.load !== null).map((r) => row(roundName(r.round), r.load as LoadSummary))
  // The total only adds information over several rounds (or when rounds were not recorded).
  if (report.load !== null && rows.length !== 1) rows.push(row('all measured rounds', report.load))
  const notes = rows.length === 0 ? ['no load ran'] : []
  const errors = report.load === null ? [] : Object.entries(report.load.errors).sort(([, a], [, b]) => b - a)
  if (errors.length > 0) notes.push(`errors by kind: ${errors.map(([k, n]) => `${k} ${n}`).join(', ')}`)
  const http = report.load?.http
  if (http != null && http.connectionsOpened > 0) {
    notes.push(`connections the load opened: ${http.connectionsOpened}, closed by the end of their round: ${http.connectionsClosed}`)
  }
  return { title: irc ? 'Load (IRC)' : 'Load (HTTP)', head, rows, align: ['left', ...head.slice(1).map(() => 'right' as const)], notes }
}

/** Whether each round's load reached the target; shown when one did not, or nothing would be judged. */
function floorSection (report: SoakReport): Section {
  const rounds = report.rounds.filter((r): r is RoundRecord & { floor: NonNullable<RoundRecord['floor']> } => r.floor != null)
  const pct = (n: number): string => `${(n * 100).toFixed(0)} %`
  const rows = rounds.some((r) => !r.floor.ok)
    ? rounds.map((r) => [roundName(r.round), pct(r.floor.ratios.connected), pct(r.floor.ratios.handshake), pct(r.floor.ratios.operations), r.floor.ok ? 'yes' : 'NO'])
    : []
  const notes = rounds.filter((r) => !r.floor.ok).map((r) => `${roundName(r.round)}: ${r.floor.shortfall ?? ''}`)
  if (rows.length === 0) notes.push(rounds.length === 0 ? 'no measured round finished' : 'every round\'s load reached the target')
  return { title: 'Load reached the target', head: ['phase', 'connected', 'handshake', 'operations', 'counts'], rows, align: ['left', 'right', 'right', 'right', 'left'], notes }
}

/** The target's Node processes and which were diagnosed. */
function processesSection (report: SoakReport): Section {
  const diagnosed = new Set(report.processes.map((p) => p.pid))
  const rows = report.target.tree.length > 0
    ? report.target.tree.map((m) => [String(m.pid), String(m.ppid), m.role, diagnosed.has(m.pid) ? 'yes' : 'no', m.argv.slice(0, 4).join(' ')])
    : report.processes.map((p) => [String(p.pid), '-', p.role, 'yes', p.argv.slice(0, 4).join(' ')])
  return { title: 'Target processes', head: ['pid', 'parent', 'role', 'diagnosed', 'command'], rows, align: ['right', 'right', 'left', 'left', 'left'], notes: [] }
}

function handlesSection (report: SoakReport): Section {
  const rows = (report.handles?.rows ?? []).map((r) => [
    r.source === 'active' ? 'active (ref\'d)' : 'hooks (all)', r.type, String(r.baseline), String(r.end), r.delta > 0 ? `+${r.delta}` : String(r.delta)
  ])
  const notes = report.handles === null ? ['no inventories were taken'] : []
  if (report.handles?.hooksFailure != null) notes.push(`hooks stopped tracking: ${report.handles.hooksFailure}`)
  return { title: 'Handles: baseline vs end', head: ['source', 'type', 'baseline', 'end', 'change'], rows, align: ['left', 'left', 'right', 'right', 'right'], notes }
}

function leaksSection (report: SoakReport, options: SectionOptions): Section {
  const limit = options.listLimit ?? 20
  const groups = report.handles?.leaked ?? []
  const several = report.processes.length > 1
  const rows = groups.slice(0, limit).map((g) => [g.kind, g.type, String(g.count), String(g.refed), displaySite(g, options.root), example(g), ...(several ? [String(g.pid)] : [])])
  const notes = report.handles === null ? ['not measured'] : groups.length === 0 ? ['none: everything created after the baseline was gone at the end'] : []
  if (groups.length > limit) notes.push(`… and ${groups.length - limit} more groups in report.json`)
  const head = ['kind', 'type', 'count', 'ref\'d', 'creation site', 'example', ...(several ? ['pid'] : [])]
  return { title: 'Leaked resources by creation site', head, rows, align: ['left', 'left', 'right', 'right', 'left', 'left', ...(several ? ['right' as const] : [])], notes }
}

function example (g: LeakGroup): string {
  const s = g.sample[0]
  if (s === undefined) return ''
  if (s.local !== undefined) return `${s.local.address}:${s.local.port}${s.remote !== undefined ? ` ↔ ${s.remote.address}:${s.remote.port}` : ''}`
  if (s.delayMs !== undefined) return s.repeatMs != null ? `every ${s.repeatMs} ms` : `once, after ${s.delayMs} ms`
  return `async id ${s.id}`
}

function lifecycleSection (report: SoakReport, options: SectionOptions): Section {
  const head = ['side', 'total', 'connected / opened', 'registered', 'closed', 'still open']
  const l = report.lifecycle
  if (l === null) return { title: 'Lifecycle', head, rows: [], align: ['left', 'right', 'right', 'right', 'right', 'right'], notes: ['not measured'] }
  const limit = options.listLimit ?? 20
  const rows = [['clients', String(l.clients.total), String(l.clients.connected), String(l.clients.registered), String(l.clients.closed), String(l.clientsNotClosed.length)]]
  if (l.server !== null) rows.push(['server', String(l.server.opened), String(l.server.opened), String(l.server.registered), String(l.server.closed), String(l.openSessions.length)])
  const notes: string[] = []
  if (l.mode === 'client-only') notes.push('client side only: the target logs no lifecycle events')
  if (l.openSessions.length > 0) {
    const names = l.openSessions.slice(0, limit).map((s) => s.nick ?? `conn ${s.conn} (unregistered)`)
    notes.push(`sessions never closed by the server: ${names.join(', ')}${l.openSessions.length > limit ? `, … ${l.openSessions.length - limit} more` : ''}`)
  }
  if (l.clientsWithoutSession.length > 0) notes.push(`${l.clientsWithoutSession.length} connected clients have no server session in the log`)
  return { title: 'Lifecycle', head, rows, align: ['left', 'right', 'right', 'right', 'right', 'right'], notes }
}

function heapSection (report: SoakReport): Section {
  const rows = report.heap.usedAfterGc.map((h) => [h.phase, formatBytes(h.bytes), String(h.bytes)])
  return { title: 'Heap used after GC', head: ['phase', 'used', 'bytes'], rows, align: ['left', 'right', 'right'], notes: rows.length === 0 ? ['not measured'] : [] }
}

function heapSuspectsSection (report: SoakReport, p: ReportProcess, options: SectionOptions): Section {
  const unit = report.load?.unit.noun ?? 'client'
  const head = ['class', 'verdict', 'survivors per round', `objects / ${unit} / round`, `bytes / ${unit} / round`, 'retained']
  const align: Section['align'] = ['left', 'left', 'right', 'right', 'right', 'right']
  const title = 'Heap: allocated during the rounds and still alive'
  const c = p.heap.comparison
  if (c === null) {
    const why = p.heap.snapshots.length === 0 ? 'not measured (no heap snapshots)' : 'not compared (the run did not finish its rounds)'
    return { title, head, rows: [], align, notes: [why] }
  }
  const findings = p.heap.findings ?? []
  const allowed = allowedClasses(report)
  const rows = c.suspects.slice(0, options.listLimit ?? 20).map((s) => {
    const finding = findings.find((f) => f.label === s.className)
    const verdict = allowed.has(s.className) ? `${s.verdict} (allowed)` : finding !== undefined && s.verdict === 'leak' && !finding.leak ? `${s.verdict} (harness's own)` : s.verdict
    return [
      s.className, verdict, s.survivorsByRound.map((r) => r.count).join(' / '),
      s.objectsPerClientPerRound === null ? '-' : s.objectsPerClientPerRound.toFixed(2),
      s.bytesPerClientPerRound === null ? '-' : formatBytes(Math.round(s.bytesPerClientPerRound)),
      formatBytes(s.newAlive.retainedSize)
    ]
  })
  const notes = [`${c.headline} (new and alive at the end: ${c.newAlive.count} objects, ${formatBytes(c.newAlive.selfSize)})`]
  if (rows.length === 0) notes.push('no class survives the rounds above the thresholds')
  return { title, head, rows, align, notes }
}

/** What holds the top suspects, and the JS objects of the leaked handles, from the GC roots. */
function retainerPathsSection (p: ReportProcess, options: SectionOptions): Section {
  const rows: string[][] = []
  const c = p.heap.comparison
  for (const s of (c?.suspects ?? []).filter((x) => x.verdict === 'leak' || x.verdict === 'suspect').slice(0, 5)) {
    for (const path of s.retainerPaths.slice(0, 2)) rows.push([s.className, `${path.count}/${path.sampled}`, path.path])
  }
  for (const g of p.handles?.leaked ?? []) {
    for (const path of g.retainerPaths.slice(0, 2)) rows.push([`${g.type} from ${displaySite(g, options.root)}`, `${path.count}/${path.sampled} ${g.heapClass ?? ''}`, path.path])
  }
  const notes = c === null ? ['not measured'] : rows.length === 0 ? ['nothing to explain: no leaking class and no leaked handle'] : ['held: of the sampled objects, how many are held this way; search @id in DevTools (report.json has the ids)']
  return { title: 'Retainer paths (shortest, from the GC roots)', head: ['what', 'held', 'path'], rows, align: ['left', 'right', 'left'], notes }
}

function allowedClasses (report: SoakReport): Set<string> {
  const heap = report.verdict.categories.find((v) => v.category === 'heap')?.evidence
  return new Set(heap?.category === 'heap' ? heap.findings.filter((f) => f.allowedBy !== null).map((f) => f.label) : [])
}

function verdictSection (report: SoakReport): Section {
  const rows = report.verdict.categories.map((c) => [c.category, c.status.toUpperCase(), String(c.found), String(c.allowed), String(c.threshold), c.reason])
  return {
    title: 'Verdict',
    head: ['category', 'status', 'found', 'allowed', 'threshold', 'reason'],
    rows,
    align: ['left', 'left', 'right', 'right', 'right', 'left'],
    notes: report.verdict.warnings.map((w) => `warning: ${w}`)
  }
}

/**
 * Test helpers: hand-built snapshots in V8's format (for exact expectations on small
 * graphs) and real snapshots written by child Node processes (for end-to-end checks).
 */
import { execFile, spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { promisify } from 'node:util'
import type { HeapSnapshot } from '../../src/heap/heap-snapshot.js'
import { parseHeapSnapshot } from '../../src/heap/snapshot-parser.js'

const run = promisify(execFile)

export const NODE_TYPES = ['hidden', 'array', 'string', 'object', 'code', 'closure', 'regexp', 'number', 'native', 'synthetic', 'concatenated string', 'sliced string', 'symbol', 'bigint', 'object shape']
export const EDGE_TYPES = ['context', 'element', 'property', 'internal', 'hidden', 'shortcut', 'weak']

export interface FakeEdge {
  type: string
  /** Property name, or element index for element/hidden edges. */
  name: string | number
  /** Target node ordinal. */
  to: number
}

export interface FakeNode {
  type: string
  name: string
  id: number
  selfSize: number
  edges?: FakeEdge[]
}

/**
 * Serializes nodes the way V8 does (node 0 must be the root). `extra` adds top-level keys
 * after "edges" (V8 writes trace_function_infos, trace_tree, samples, locations there).
 */
export function snapshotText (nodes: FakeNode[], extra = ''): string {
  const strings: string[] = []
  const index = new Map<string, number>()
  const str = (s: string): number => {
    let i = index.get(s)
    if (i === undefined) {
      i = strings.length
      strings.push(s)
      index.set(s, i)
    }
    return i
  }
  const nodeValues: number[] = []
  const edgeValues: number[] = []
  for (const n of nodes) {
    const edges = n.edges ?? []
    nodeValues.push(NODE_TYPES.indexOf(n.type), str(n.name), n.id, n.selfSize, edges.length, 0, 0)
    for (const e of edges) {
      const indexed = e.type === 'element' || e.type === 'hidden'
      edgeValues.push(EDGE_TYPES.indexOf(e.type), indexed ? Number(e.name) : str(String(e.name)), e.to * 7)
    }
  }
  const header = {
    meta: {
      node_fields: ['type', 'name', 'id', 'self_size', 'edge_count', 'trace_node_id', 'detachedness'],
      node_types: [NODE_TYPES, 'string', 'number', 'number', 'number', 'number', 'number'],
      edge_fields: ['type', 'name_or_index', 'to_node'],
      edge_types: [EDGE_TYPES, 'string_or_number', 'node'],
      trace_function_info_fields: ['function_id', 'name', 'script_name', 'script_id', 'line', 'column'],
      trace_node_fields: ['id', 'function_info_index', 'count', 'size', 'children'],
      sample_fields: ['timestamp_us', 'last_assigned_id'],
      location_fields: ['object_index', 'script_id', 'line', 'column']
    },
    node_count: nodes.length,
    edge_count: edgeValues.length / 3,
    trace_function_count: 0
  }
  return `{"snapshot":${JSON.stringify(header)},\n"nodes":[${nodeValues.join(',')}],\n"edges":[${edgeValues.join(',')}],${extra}\n"strings":[${strings.map((s) => JSON.stringify(s)).join(',\n')}]}\n`
}

/** Parses snapshot text in one chunk. */
export function parseText (text: string, source = 'test'): HeapSnapshot {
  return parseHeapSnapshot([new TextEncoder().encode(text)], { source })
}

/** A root with a `(GC roots)` child and the given user nodes hanging off the root. */
export function rootedGraph (userNodes: FakeNode[], rootEdges: FakeEdge[]): FakeNode[] {
  return [
    { type: 'synthetic', name: '', id: 1, selfSize: 0, edges: [{ type: 'element', name: 1, to: 1 }, ...rootEdges] },
    { type: 'synthetic', name: '(GC roots)', id: 3, selfSize: 0, edges: [] },
    ...userNodes
  ]
}

/** A temporary directory, removed by the returned cleanup. */
export async function tempDir (): Promise<{ dir: string, cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'soakwatch-heap-'))
  return { dir, cleanup: async () => { await rm(dir, { recursive: true, force: true }) } }
}

export interface TargetSnapshots {
  baseline: string
  rounds: string[]
  final: string
}

const TARGET = new URL('./fixtures/heap-target.mjs', import.meta.url).pathname

/**
 * Runs the fixture chat server for `rounds` rounds of `clients` clients with the given leaks
 * and returns the snapshot paths it wrote.
 */
export async function runTarget (dir: string, rounds: number, clients: number, leaks: string[]): Promise<TargetSnapshots> {
  const { stdout } = await run(process.execPath, ['--expose-gc', TARGET, dir, String(rounds), String(clients), ...leaks], { maxBuffer: 1 << 20 })
  const written = JSON.parse(stdout) as Record<string, string>
  return {
    baseline: written.baseline!,
    rounds: Array.from({ length: rounds }, (_, i) => written[`round-${i + 1}`]!),
    final: written.final!
  }
}

export interface ReferenceServer {
  port: number
  devtools: string
  /** Resolves once the server has logged `count` session closes in total. */
  closes: (count: number) => Promise<void>
  stop: () => void
}

const SERVER = new URL('../../../dist/scripts/server.js', import.meta.url).pathname

/**
 * Starts the bundled chat server (built) on a free loopback port with its inspector open, and
 * follows its NDJSON lifecycle log on stderr. The caller stops it (by PID) when done.
 */
export async function startReferenceServer (leaks: string[]): Promise<ReferenceServer> {
  const args = [SERVER, '--host', '127.0.0.1', '--port', '0', '--inspect', '127.0.0.1:0', ...leaks.flatMap((k) => ['--leak', k])]
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] })
  let closed = 0
  const waiters: Array<() => void> = []
  createInterface({ input: child.stderr }).on('line', (line) => {
    if (line.includes('"event":"close"')) closed++
    for (const w of waiters.splice(0)) w()
  })
  const lines = createInterface({ input: child.stdout })
  let port = 0
  let devtools = ''
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => { reject(new Error(`server exited (${code}) before it was ready`)) })
    lines.on('line', (line) => {
      const listening = /^listening 127\.0\.0\.1:(\d+)$/.exec(line)
      if (listening !== null) port = Number(listening[1])
      const url = /^devtools (ws:\/\/\S+)$/.exec(line)
      if (url !== null) devtools = url[1]!
      if (port !== 0 && devtools !== '') resolve()
    })
  })
  const closes = async (count: number): Promise<void> => {
    while (closed < count) {
      if (child.exitCode !== null) throw new Error('server exited')
      await new Promise<void>((resolve) => waiters.push(resolve))
    }
  }
  return { port, devtools, closes, stop: () => { if (child.exitCode === null) child.kill('SIGKILL') } }
}

/** Runs `count` IRC clients at once: register, join, talk, QUIT; resolves when all are closed. */
export async function chatRound (port: number, round: number, count: number): Promise<void> {
  await Promise.all(Array.from({ length: count }, async (_, i) => {
    const nick = `r${round}c${i}`
    const socket = connect({ host: '127.0.0.1', port })
    socket.resume()
    socket.write(`NICK ${nick}\r\nUSER ${nick} 0 * :${nick}\r\nJOIN #soak\r\nPRIVMSG #soak :hello from ${nick}\r\nQUIT :bye\r\n`)
    await new Promise<void>((resolve, reject) => {
      socket.once('close', () => { resolve() })
      socket.once('error', reject)
    })
  }))
}

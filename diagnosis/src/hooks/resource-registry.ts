/**
 * Registry of the target's live sockets, servers, timers and other libuv handles, fed by an
 * async_hooks `init` hook, with each resource's creation site.
 *
 * Contract and costs (this code runs inside the process being measured):
 * - Only `init` is hooked, never `destroy`: a destroy hook makes Node track every promise with a
 *   weak callback (lib/internal/async_hooks.js, promiseInitHookWithDestroyTracking), which made
 *   a loop of awaits ~9-10x slower here (Node 20), against ~2-3x for init alone. Liveness is instead
 *   checked when asked: timers carry `_destroyed`, and a closed handle wrap has lost its C++
 *   half, so its `getAsyncId()` answers -1.
 * - Resources are held through WeakRefs, so the registry never keeps anything alive. Stacks are
 *   captured as unformatted traces and formatted only at inventory time; an unformatted trace
 *   pins the frames' receivers, so dead entries are pruned whenever the registry doubles and
 *   before every inventory.
 * - `init` never throws: an exception in an async hook kills the process, so a failure turns
 *   tracking off and is reported in the inventory instead.
 */
import { executionAsyncId } from 'node:async_hooks'
import type { Frame, SourceMapper } from './creation-site.js'
import { pickCreationSite } from './creation-site.js'
import type { LiveResource, ResourceKind, SiteSource, SocketAddress } from './inventory.js'

const KINDS: Readonly<Record<string, ResourceKind>> = {
  TCPWRAP: 'socket',
  PIPEWRAP: 'socket',
  UDPWRAP: 'socket',
  TCPSERVERWRAP: 'server',
  PIPESERVERWRAP: 'server',
  Timeout: 'timer',
  Immediate: 'immediate',
  PROCESSWRAP: 'other',
  SIGNALWRAP: 'other',
  TTYWRAP: 'other',
  FSEVENTWRAP: 'other',
  STATWATCHER: 'other',
  MESSAGEPORT: 'other'
}

/**
 * Frames above the user's call: our hook, Node's emitInit plumbing, and the internals between
 * the public API and the handle (about 8 for `http.request`). V8's default of 10 is too few.
 */
const STACK_LIMIT = 32
/** Deferred-creation contexts remembered for `siteSource: 'context'`; listen() calls are rare. */
const MAX_CONTEXTS = 64
const MIN_PRUNE_AT = 1024

interface StackHolder { stack?: unknown }

interface Entry {
  readonly id: number
  readonly type: string
  readonly triggerId: number
  readonly createdAtMs: number
  readonly ref: WeakRef<object>
  stack: StackHolder | undefined
  context: StackHolder | undefined
  parent: Entry | undefined
  resolved: { site: string | null, source: SiteSource, inDependency: boolean } | undefined
}

/** The subset of a handle wrap / Timeout we read; every member may be absent. */
interface ResourceShape {
  getAsyncId?: () => number
  hasRef?: () => boolean | undefined
  getsockname?: (out: Record<string, unknown>) => number
  getpeername?: (out: Record<string, unknown>) => number
  fd?: number
  _destroyed?: boolean
  _idleTimeout?: number
  _repeat?: number | null
  callback?: { name?: string }
}

export interface RegistryOptions {
  /** Milliseconds on a monotonic clock. */
  now: () => number
  /** Path of the hooks folder: frames in it are the hooks' own. */
  ownDir: string
  toPath: (url: string) => string
  mapSource?: SourceMapper
}

export class ResourceRegistry {
  readonly #entries = new Map<number, Entry>()
  readonly #contexts = new Map<number, StackHolder>()
  readonly #options: RegistryOptions
  readonly #startedAt: number
  #pruneAt = MIN_PRUNE_AT
  #pruned = 0
  #failure: string | null = null

  constructor (options: RegistryOptions) {
    this.#options = options
    this.#startedAt = options.now()
  }

  get failure (): string | null { return this.#failure }
  get pruned (): number { return this.#pruned }
  get size (): number { return this.#entries.size }

  /** The async_hooks `init` callback. Returns false once tracking has failed and stopped. */
  init (id: number, type: string, triggerId: number, resource: object): boolean {
    if (type === 'PROMISE' || this.#failure !== null) return this.#failure === null
    try {
      const kind = KINDS[type]
      if (kind === undefined) {
        this.#maybeRememberContext(id, type, resource as ResourceShape)
        return true
      }
      const entry: Entry = {
        id,
        type,
        triggerId,
        createdAtMs: this.#options.now() - this.#startedAt,
        ref: new WeakRef(resource),
        stack: captureStack(),
        context: this.#contexts.get(executionAsyncId()),
        // An accepted socket is created by libuv with no JS frames at all; its server is the
        // meaningful origin, and the server may be closed (and pruned) before the socket is.
        parent: this.#entries.get(triggerId),
        resolved: undefined
      }
      this.#entries.set(id, entry)
      if (this.#entries.size >= this.#pruneAt) this.prune()
      return true
    } catch (err) {
      this.#failure = `init hook failed on ${type}: ${String(err)}`
      return false
    }
  }

  /** Drops entries whose resource is closed, cleared, fired or collected. */
  prune (): void {
    for (const [id, entry] of this.#entries) {
      if (!isAlive(entry)) {
        this.#entries.delete(id)
        this.#pruned++
      }
    }
    this.#pruneAt = Math.max(MIN_PRUNE_AT, this.#entries.size * 2)
  }

  /** Live resources as JSON, creation sites formatted (and cached) now. */
  live (): LiveResource[] {
    this.prune()
    const out: LiveResource[] = []
    for (const entry of this.#entries.values()) {
      const resource = entry.ref.deref() as ResourceShape | undefined
      if (resource === undefined) continue
      out.push(this.#describe(entry, resource))
    }
    return out
  }

  /**
   * TCP handles bound locally to `port`: listening servers, and connections (accepted ones, as
   * a server's connections are). Formats no stack.
   */
  portUse (port: number): { listening: number, connections: number } {
    const use = { listening: 0, connections: 0 }
    for (const entry of this.#entries.values()) {
      if (entry.type !== 'TCPWRAP' && entry.type !== 'TCPSERVERWRAP') continue
      const resource = entry.ref.deref() as ResourceShape | undefined
      if (resource === undefined || !isAlive(entry) || address(resource, 'getsockname')?.port !== port) continue
      if (entry.type === 'TCPSERVERWRAP') use.listening++
      else use.connections++
    }
    return use
  }

  /** Live resources counted by async_hooks type, without formatting any stack. */
  countByType (): Record<string, number> {
    this.prune()
    const counts: Record<string, number> = {}
    for (const entry of this.#entries.values()) counts[entry.type] = (counts[entry.type] ?? 0) + 1
    return counts
  }

  #maybeRememberContext (id: number, type: string, resource: ResourceShape): void {
    // Server.listen(port, host) looks the host up first and creates the server handle later,
    // from a nextTick named doListen (IP literal) or a GETADDRINFOREQWRAP callback (name), so
    // the handle's own stack no longer holds the listen() call. Keep those two contexts'
    // stacks; every other TickObject is skipped without capturing anything.
    // https://github.com/nodejs/node/blob/v20.x/lib/net.js (lookupAndListen)
    if (type === 'GETADDRINFOREQWRAP' || (type === 'TickObject' && resource.callback?.name === 'doListen')) {
      this.#contexts.set(id, captureStack())
      if (this.#contexts.size > MAX_CONTEXTS) {
        const oldest = this.#contexts.keys().next()
        if (oldest.done !== true) this.#contexts.delete(oldest.value)
      }
    }
  }

  #describe (entry: Entry, resource: ResourceShape): LiveResource {
    const site = this.#resolve(entry, 0)
    const stdio = resource.fd !== undefined && resource.fd >= 0 && resource.fd <= 2
    const refed = typeof resource.hasRef === 'function' ? resource.hasRef() ?? null : null
    const out: LiveResource = {
      id: entry.id,
      type: entry.type,
      // stdin/stdout/stderr are pipes or TTYs created lazily on first use: not the app's sockets.
      kind: stdio ? 'other' : (KINDS[entry.type] ?? 'other'),
      triggerId: entry.triggerId,
      site: site.site,
      siteSource: site.source,
      siteInDependency: site.inDependency,
      createdAtMs: Math.round(entry.createdAtMs),
      refed: typeof refed === 'boolean' ? refed : null
    }
    const local = address(resource, 'getsockname')
    if (local !== undefined) out.local = local
    const remote = address(resource, 'getpeername')
    if (remote !== undefined) out.remote = remote
    if (entry.type === 'Timeout') {
      out.delayMs = resource._idleTimeout ?? -1
      out.repeatMs = resource._repeat ?? null
    }
    return out
  }

  #resolve (entry: Entry, depth: number): NonNullable<Entry['resolved']> {
    if (entry.resolved !== undefined) return entry.resolved
    let resolved: NonNullable<Entry['resolved']> = { site: null, source: 'none', inDependency: false }
    const own = this.#pick(entry.stack)
    const context = own === undefined ? this.#pick(entry.context) : undefined
    if (own !== undefined) {
      resolved = { site: own.site, source: 'stack', inDependency: own.inDependency }
    } else if (context !== undefined) {
      resolved = { site: context.site, source: 'context', inDependency: context.inDependency }
    } else if (entry.parent !== undefined && depth < 4) {
      const inherited = this.#resolve(entry.parent, depth + 1)
      if (inherited.site !== null) resolved = { site: inherited.site, source: 'trigger', inDependency: inherited.inDependency }
    }
    // Formatting releases the captured frames (and the receivers they pin).
    entry.resolved = resolved
    entry.stack = undefined
    entry.context = undefined
    entry.parent = undefined
    return resolved
  }

  #pick (holder: StackHolder | undefined): ReturnType<typeof pickCreationSite> {
    if (holder === undefined) return undefined
    const frames = readFrames(holder)
    return pickCreationSite(frames, this.#options.ownDir, this.#options.toPath, this.#options.mapSource)
  }
}

function captureStack (): StackHolder {
  const holder: StackHolder = {}
  const limit = Error.stackTraceLimit
  Error.stackTraceLimit = STACK_LIMIT
  // V8 records the frames now and formats them on first read of `.stack` (never, for most).
  Error.captureStackTrace(holder)
  Error.stackTraceLimit = limit
  return holder
}

/** Reads structured frames through a temporary prepareStackTrace (V8 stack trace API). */
function readFrames (holder: StackHolder): Frame[] {
  const previous = Error.prepareStackTrace
  Error.prepareStackTrace = (_error, callSites) => callSites.map((c): Frame => ({
    file: c.getFileName() ?? c.getScriptNameOrSourceURL() ?? null,
    line: c.getLineNumber(),
    col: c.getColumnNumber()
  }))
  try {
    const frames = holder.stack
    return Array.isArray(frames) ? frames as Frame[] : []
  } finally {
    Error.prepareStackTrace = previous
  }
}

function isAlive (entry: Entry): boolean {
  const resource = entry.ref.deref() as ResourceShape | undefined
  if (resource === undefined) return false
  if (entry.type === 'Timeout' || entry.type === 'Immediate') return resource._destroyed !== true
  // A closed handle wrap's C++ object is gone; AsyncWrap::GetAsyncId then returns -1.
  return typeof resource.getAsyncId !== 'function' || resource.getAsyncId() === entry.id
}

function address (resource: ResourceShape, method: 'getsockname' | 'getpeername'): SocketAddress | undefined {
  const fn = resource[method]
  if (typeof fn !== 'function') return undefined
  const out: Record<string, unknown> = {}
  // Returns a libuv error code (0 on success); fails once the socket is closing.
  if (fn.call(resource, out) !== 0 || typeof out['address'] !== 'string') return undefined
  return { address: out['address'], port: Number(out['port']), family: String(out['family']) }
}

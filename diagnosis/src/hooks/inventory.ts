/**
 * The shape of what the target hooks publish. Shared by the preload (inside the target) and
 * the harness (which receives it as JSON over the inspector), so this module holds types and
 * constants only: the preload must stay dependency-free.
 */

import type { ServingReport } from './process-record.js'

/** `Symbol.for` key under which the preload publishes {@link TargetHooks}. */
export const HOOKS_KEY = 'soakwatch.hooks'
/** `Symbol.for` key of an optional stats accessor a target may publish (docs/architecture.md). */
export const STATS_KEY = 'soakwatch.stats'
/** Bumped on any incompatible change to {@link Inventory}. */
export const INVENTORY_SCHEMA = 'soakwatch.inventory/1'

/** How soakwatch groups async resource types. */
export type ResourceKind = 'socket' | 'server' | 'timer' | 'immediate' | 'other'

/**
 * How a creation site was found: from the resource's own stack, from the stack of the
 * deferred call that created it (e.g. `listen()` on a host name), inherited from the resource
 * that triggered it (an accepted socket gets its server's site), or not at all.
 */
export type SiteSource = 'stack' | 'context' | 'trigger' | 'none'

export interface SocketAddress {
  address: string
  port: number
  family: string
}

/** One live resource in the registry, as JSON. */
export interface LiveResource {
  /** async_hooks id: unique within the process, never reused. */
  id: number
  /** async_hooks type, e.g. `TCPWRAP`, `Timeout`. */
  type: string
  kind: ResourceKind
  triggerId: number
  /** First frame outside Node internals and node_modules, as `file:line:col`; null if none. */
  site: string | null
  siteSource: SiteSource
  /** True when only frames inside node_modules were found, so `site` is a dependency's. */
  siteInDependency: boolean
  /** Milliseconds since the hooks were installed when the resource was created. */
  createdAtMs: number
  /** Whether it keeps the event loop alive; null where the resource cannot tell. */
  refed: boolean | null
  local?: SocketAddress
  remote?: SocketAddress
  /** Timers: the delay, and the repeat interval (null for a one-shot timer). */
  delayMs?: number
  repeatMs?: number | null
}

/** Everything the harness learns about the target at one moment. JSON-able. */
export interface Inventory {
  schema: typeof INVENTORY_SCHEMA
  pid: number
  /** Epoch milliseconds. */
  takenAt: number
  uptimeMs: number
  hooks: {
    /** Epoch milliseconds when the preload installed the hook. */
    installedAt: number
    /** Entries held after pruning (all alive). */
    tracked: number
    /** Dead entries dropped since install. */
    pruned: number
    /** Set if the init hook ever failed; tracking stops then rather than crash the target. */
    failure: string | null
  }
  /** `process.getActiveResourcesInfo()` counted by type (ref'd resources only). */
  activeResources: Record<string, number>
  resources: LiveResource[]
  memory: Record<string, number>
  heap: Record<string, number>
  /** The target's own `globalThis[Symbol.for('soakwatch.stats')]()` result, if it has one. */
  stats: Record<string, number> | null
  statsError: string | null
  /** Connections accepted since the hooks were installed, by local port (absent from older hooks). */
  accepted?: Record<string, number>
}

/** A cheap summary for polling (settling) without formatting creation sites. */
export interface ResourceCounts {
  pid: number
  activeResources: Record<string, number>
  /** Live tracked resources by async_hooks type, ref'd or not. */
  tracked: Record<string, number>
  stats: Record<string, number> | null
}

/** What the preload publishes at `globalThis[Symbol.for(HOOKS_KEY)]`. */
export interface TargetHooks {
  version: typeof INVENTORY_SCHEMA
  inventory: () => Inventory
  counts: () => ResourceCounts
  /** Whether this process serves `port` (see ./process-record.ts). */
  serving: (port: number) => ServingReport
  /** Set when the process could not write its registry record. */
  announceFailure: string | null
}

/**
 * Verdict configuration: per-category thresholds and allowlists, and the load floor below which
 * a run is inconclusive, from `soakwatch.config.json` and flags (flags win). Defaults: nothing
 * leaked is tolerated; each round's load must reach 90 % of its clients and operations
 * (load/src/load-floor.ts). Pure: the caller reads the file.
 *
 *   { "thresholds": { "socket": 0, "timer": 0, "lifecycle": 0, "heap": 0 },
 *     "allow": { "types": ["Immediate"], "sites": ["node_modules/pino/*", "src/cache.ts:42"],
 *                "constructors": ["LRUCache"] },
 *     "floor": { "connected": 0.9, "handshake": 0.9, "operations": 0.9 } }
 *
 * A site pattern is a glob (`*` any run of characters, `?` one) matched against the end of a
 * creation site on a path boundary, line and column optional: `src/cache.ts:42` matches
 * `/app/src/cache.ts:42:7`.
 */
import { ConfigInvalidError } from './errors.js'

export type VerdictCategory = 'socket' | 'timer' | 'lifecycle' | 'heap'
export const VERDICT_CATEGORIES: readonly VerdictCategory[] = ['socket', 'timer', 'lifecycle', 'heap']

/** Fractions of a round's load that must have reached the target (load/src/load-floor.ts). */
export interface LoadFloor {
  connected: number
  handshake: number
  operations: number
}

export const DEFAULT_LOAD_FLOOR: Readonly<LoadFloor> = Object.freeze({ connected: 0.9, handshake: 0.9, operations: 0.9 })
const FLOOR_KEYS = ['connected', 'handshake', 'operations'] as const

export interface VerdictConfig {
  /** Leaks tolerated per category (after the allowlists). */
  thresholds: Record<VerdictCategory, number>
  floor: LoadFloor
  allow: {
    /** async_hooks types (`Timeout`, `TCPWRAP`) or kinds (`timer`, `socket`, `server`). */
    types: string[]
    /** Creation-site globs. */
    sites: string[]
    /** Heap constructors, for the heap category. */
    constructors: string[]
  }
}

/** Overrides, e.g. from flags; set fields replace the file's, lists are appended. */
export interface VerdictOverrides {
  thresholds?: Partial<Record<VerdictCategory, number>>
  allowTypes?: readonly string[]
  allowSites?: readonly string[]
  allowConstructors?: readonly string[]
  floor?: Partial<LoadFloor>
}

export function defaultVerdictConfig (): VerdictConfig {
  return { thresholds: { socket: 0, timer: 0, lifecycle: 0, heap: 0 }, allow: { types: [], sites: [], constructors: [] }, floor: { ...DEFAULT_LOAD_FLOOR } }
}

/**
 * Validates the parsed contents of a config file.
 * @param source - where it came from, for messages
 * @throws {ConfigInvalidError} on unknown keys, negative or non-integer thresholds, non-string patterns
 */
export function parseVerdictConfig (value: unknown, source: string): VerdictConfig {
  const fail = (problem: string): never => { throw new ConfigInvalidError({ source, problem }) }
  const config = defaultVerdictConfig()
  const root = asObject(value, 'the top level', fail)
  for (const key of Object.keys(root)) {
    // Unknown keys are refused: a misspelt "alow" silently allowing nothing is worse.
    if (key !== 'thresholds' && key !== 'allow' && key !== 'floor' && key !== '$schema') fail(`unknown key ${JSON.stringify(key)}`)
  }
  if (root['thresholds'] !== undefined) {
    for (const [key, n] of Object.entries(asObject(root['thresholds'], '"thresholds"', fail))) {
      if (!(VERDICT_CATEGORIES as readonly string[]).includes(key)) fail(`unknown threshold ${JSON.stringify(key)} (expected one of ${VERDICT_CATEGORIES.join(', ')})`)
      config.thresholds[key as VerdictCategory] = asCount(n, `thresholds.${key}`, fail)
    }
  }
  if (root['allow'] !== undefined) {
    const allow = asObject(root['allow'], '"allow"', fail)
    for (const [key, list] of Object.entries(allow)) {
      if (key !== 'types' && key !== 'sites' && key !== 'constructors') fail(`unknown allow list ${JSON.stringify(key)} (expected types, sites or constructors)`)
      if (!Array.isArray(list) || !list.every((x) => typeof x === 'string' && x !== '')) fail(`allow.${key} must be a list of non-empty strings`)
      config.allow[key as keyof VerdictConfig['allow']] = [...(list as string[])]
    }
  }
  if (root['floor'] !== undefined) {
    for (const [key, n] of Object.entries(asObject(root['floor'], '"floor"', fail))) {
      if (!(FLOOR_KEYS as readonly string[]).includes(key)) fail(`unknown floor ${JSON.stringify(key)} (expected one of ${FLOOR_KEYS.join(', ')})`)
      config.floor[key as keyof LoadFloor] = asFraction(n, `floor.${key}`, fail)
    }
  }
  return config
}

/**
 * Applies overrides on top of a config (thresholds replace, allowlists add up).
 * @throws {ConfigInvalidError} for a negative or non-integer threshold
 */
export function applyOverrides (config: VerdictConfig, overrides: VerdictOverrides): VerdictConfig {
  const fail = (problem: string): never => { throw new ConfigInvalidError({ source: 'flags', problem }) }
  const thresholds = { ...config.thresholds }
  for (const [key, n] of Object.entries(overrides.thresholds ?? {})) {
    if (n !== undefined) thresholds[key as VerdictCategory] = asCount(n, `--max-${key}`, fail)
  }
  const floor = { ...config.floor }
  for (const [key, n] of Object.entries(overrides.floor ?? {})) {
    if (n !== undefined) floor[key as keyof LoadFloor] = asFraction(n, `--min-${key}`, fail)
  }
  return {
    thresholds,
    floor,
    allow: {
      types: [...config.allow.types, ...(overrides.allowTypes ?? [])],
      sites: [...config.allow.sites, ...(overrides.allowSites ?? [])],
      constructors: [...config.allow.constructors, ...(overrides.allowConstructors ?? [])]
    }
  }
}

/** Compiles a site glob; see the module header for the matching rule. */
export function sitePattern (glob: string): RegExp {
  const body = glob.split('').map((c) => c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[\\^$.+()|[\]{}]/g, '\\$&')).join('')
  const boundary = glob.startsWith('/') || glob.startsWith('*') ? '^' : '(?:^|/)'
  return new RegExp(`${boundary}${body}(?::\\d+){0,2}$`)
}

/** The first site glob matching `site`, or undefined. */
export function matchSite (site: string | null, globs: readonly string[]): string | undefined {
  if (site === null) return undefined
  return globs.find((glob) => sitePattern(glob).test(site))
}

function asObject (value: unknown, what: string, fail: (p: string) => never): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) fail(`${what} must be an object`)
  return value as Record<string, unknown>
}

function asFraction (value: unknown, what: string, fail: (p: string) => never): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 1) fail(`${what} must be a fraction from 0 to 1, got ${JSON.stringify(value)}`)
  return value as number
}

function asCount (value: unknown, what: string, fail: (p: string) => never): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) fail(`${what} must be a whole number >= 0, got ${JSON.stringify(value)}`)
  return value as number
}

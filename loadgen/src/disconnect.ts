/**
 * How simulated clients leave at the end of a run. Real clients do not all say QUIT: a client
 * program that exits or crashes has its socket closed by the kernel (FIN, no QUIT), and one
 * killed abruptly, or cut off by a NAT or firewall, leaves with a reset. Servers take a
 * different path for each, and leaks hide in the paths a polite load never takes:
 *
 * - `quit`: `QUIT`, then wait for the server to close (RFC 2812 §3.1.7);
 * - `close`: half-close (FIN) without QUIT, then wait for the server to close its side;
 * - `reset`: abort the connection (RST) without a word.
 *
 * A mix gives each style a weight; client `id` gets the style at `id mod Σweights` of a cycle
 * spread by smooth weighted round-robin (nginx's upstream balancer), so any run of consecutive
 * clients, however short, holds every style in about its proportion. Deterministic, so a
 * client's style is the same in every worker and every repeat of a run. Pure.
 */
import { InvalidLoadOptionError } from './errors.js'

export const DISCONNECT_STYLES = ['quit', 'close', 'reset'] as const

export type DisconnectStyle = typeof DISCONNECT_STYLES[number]

/** Weight of each style; a style with weight 0 is never used. */
export type DisconnectMix = Readonly<Record<DisconnectStyle, number>>

/**
 * `--disconnect mix`: half the clients say QUIT, three in ten just close, two in ten reset.
 * Every style appears within the first four clients of the cycle.
 */
export const DISCONNECT_MIX: DisconnectMix = Object.freeze({ quit: 5, close: 3, reset: 2 })

/** The loadgen's default: every client says QUIT (the well-behaved load). */
export const ALL_QUIT: DisconnectMix = Object.freeze({ quit: 1, close: 0, reset: 0 })

/** Longest cycle: weights above this in total are refused (a cycle is kept per run). */
const MAX_TOTAL_WEIGHT = 1000

/** What callers may pass: one style, `mix`, or weights. */
export type DisconnectSpec = DisconnectStyle | 'mix' | Partial<Record<DisconnectStyle, number>>

/**
 * Parses `quit`, `close`, `reset`, `mix`, or weights such as `quit:6,close:3,reset:1`
 * (missing styles weigh 0).
 * @throws {InvalidLoadOptionError} on an unknown style, a bad weight or all weights 0
 */
export function parseDisconnect (text: string): DisconnectMix {
  const value = text.trim()
  if (value === 'mix') return DISCONNECT_MIX
  if (isStyle(value)) return only(value)
  const weights: Partial<Record<DisconnectStyle, number>> = {}
  for (const part of value.split(',')) {
    const match = /^\s*([a-z]+)\s*[:=]\s*(\d+)\s*$/.exec(part)
    const style = match?.[1]
    if (match === null || style === undefined || !isStyle(style) || weights[style] !== undefined) {
      throw new InvalidLoadOptionError({ name: 'disconnect', value: text, expected: 'quit, close, reset, mix, or weights like quit:6,close:3,reset:1 (each style once)' })
    }
    weights[style] = Number(match[2])
  }
  return resolveDisconnect(weights)
}

/**
 * Turns any accepted spec into a validated mix.
 * @throws {InvalidLoadOptionError} as {@link parseDisconnect}
 */
export function resolveDisconnect (spec: DisconnectSpec | undefined): DisconnectMix {
  if (spec === undefined) return ALL_QUIT
  if (typeof spec === 'string') return parseDisconnect(spec)
  const mix = { quit: spec.quit ?? 0, close: spec.close ?? 0, reset: spec.reset ?? 0 }
  const total = mix.quit + mix.close + mix.reset
  const valid = Object.values(mix).every((w) => Number.isInteger(w) && w >= 0) && total > 0 && total <= MAX_TOTAL_WEIGHT
  if (!valid) {
    throw new InvalidLoadOptionError({ name: 'disconnect', value: spec, expected: `whole-number weights ≥ 0 for quit, close and reset, summing to 1–${MAX_TOTAL_WEIGHT}` })
  }
  return mix
}

/**
 * The cycle of styles clients take in id order (length Σweights). Smooth weighted
 * round-robin: each step every style gains its weight, the richest is picked and pays the
 * total, so picks of one style are as evenly spaced as the weights allow.
 */
export function disconnectCycle (mix: DisconnectMix): DisconnectStyle[] {
  const total = mix.quit + mix.close + mix.reset
  const credit: Record<DisconnectStyle, number> = { quit: 0, close: 0, reset: 0 }
  const cycle: DisconnectStyle[] = []
  for (let i = 0; i < total; i++) {
    let best: DisconnectStyle = 'quit'
    for (const style of DISCONNECT_STYLES) {
      credit[style] += mix[style]
      // Ties go to the earlier style (DISCONNECT_STYLES order): deterministic everywhere.
      if (credit[style] > credit[best]) best = style
    }
    credit[best] -= total
    cycle.push(best)
  }
  return cycle
}

/** `quit:5,close:3,reset:2`, or the single style's name. */
export function formatDisconnect (mix: DisconnectMix): string {
  const used = DISCONNECT_STYLES.filter((s) => mix[s] > 0)
  if (used.length === 1) return used[0] as string
  return used.map((s) => `${s}:${mix[s]}`).join(',')
}

function isStyle (value: string): value is DisconnectStyle {
  return (DISCONNECT_STYLES as readonly string[]).includes(value)
}

function only (style: DisconnectStyle): DisconnectMix {
  return { quit: 0, close: 0, reset: 0, [style]: 1 }
}

/**
 * The settle decision: after the load drains, keep polling the target's counts (open
 * connections, handles by type) until they stop changing, with bounded backoff, like goleak's
 * retries (https://github.com/uber-go/goleak, options.go: maxRetries, maxSleep). Closing a
 * socket is not instant: FIN, the close callback and async destroy each take a loop turn or
 * more, so an inventory taken at once would report healthy sockets as leaked.
 *
 * Pure: the caller owns the clock and the waiting (see wait-for-settle.ts).
 */
import type { ResourceCounts } from './hooks/inventory.js'

export interface SettlePolicy {
  /** First wait, and the wait after any change (default 25 ms). */
  initialDelayMs: number
  /** Cap on the doubling wait (default 1000 ms). */
  maxDelayMs: number
  /** Identical consecutive samples needed to call it stable (default 3). */
  stableSamples: number
  /** Give up after this long and report "not stable" (default 15 000 ms). */
  timeoutMs: number
}

export const DEFAULT_SETTLE_POLICY: Readonly<SettlePolicy> = Object.freeze({
  initialDelayMs: 25,
  maxDelayMs: 1000,
  stableSamples: 3,
  timeoutMs: 15_000
})

/** A flat sample: name → value. Two samples are equal when every value is. */
export type SettleSample = Record<string, number>

export interface SettleState {
  startedAtMs: number
  samples: number
  /** Identical samples in a row, counting the latest. */
  run: number
  delayMs: number
  last: SettleSample | undefined
}

export type SettleDecision =
  | { done: false, nextDelayMs: number }
  | { done: true, stable: boolean }

/** The state before the first sample. */
export function startSettle (nowMs: number, policy: SettlePolicy = DEFAULT_SETTLE_POLICY): SettleState {
  return { startedAtMs: nowMs, samples: 0, run: 0, delayMs: policy.initialDelayMs, last: undefined }
}

/** Feeds one sample taken at `nowMs`; returns the new state and what to do next. */
export function settleStep (
  state: SettleState, sample: SettleSample, nowMs: number, policy: SettlePolicy = DEFAULT_SETTLE_POLICY
): { state: SettleState, decision: SettleDecision } {
  const same = state.last !== undefined && sameSample(state.last, sample)
  const run = same ? state.run + 1 : 1
  // Poll quickly while things move (the drain), back off while they hold still, so that the
  // confirming samples are spread over a growing window rather than one loop turn.
  const delayMs = same ? Math.min(state.delayMs * 2, policy.maxDelayMs) : policy.initialDelayMs
  const next: SettleState = { startedAtMs: state.startedAtMs, samples: state.samples + 1, run, delayMs, last: sample }
  if (run >= policy.stableSamples) return { state: next, decision: { done: true, stable: true } }
  const elapsed = nowMs - state.startedAtMs
  if (elapsed >= policy.timeoutMs) return { state: next, decision: { done: true, stable: false } }
  return { state: next, decision: { done: false, nextDelayMs: Math.min(delayMs, policy.timeoutMs - elapsed) } }
}

/**
 * Requests (file system, DNS, writes) and immediates finish by themselves and come and go
 * whenever the target does unrelated I/O, such as writing its log; waiting for them to hold
 * still would only make settling flaky. Handles and timers are what a leak leaves behind.
 */
const TRANSIENT = /Req|Request|Immediate|WriteWrap|ShutdownWrap|ConnectWrap/i

/**
 * Flattens the hooks' counts into a sample: `active.<type>`, `tracked.<type>` (handles and
 * timers only) and, when the target publishes stats, `stats.<key>` for the keys asked for
 * (by default `connectionsOpen`; counters such as `messagesRelayed` never settle under load).
 */
export function sampleFromCounts (counts: ResourceCounts, statsKeys: readonly string[] = ['connectionsOpen']): SettleSample {
  const sample: SettleSample = {}
  for (const [type, n] of Object.entries(counts.activeResources)) if (!TRANSIENT.test(type)) sample[`active.${type}`] = n
  for (const [type, n] of Object.entries(counts.tracked)) if (!TRANSIENT.test(type)) sample[`tracked.${type}`] = n
  if (counts.stats !== null) {
    for (const key of statsKeys) {
      const value = counts.stats[key]
      if (value !== undefined) sample[`stats.${key}`] = value
    }
  }
  return sample
}

/** A policy from overrides (e.g. flags); missing, non-finite or non-positive values keep the default. */
export function settlePolicy (overrides: Partial<SettlePolicy> = {}): SettlePolicy {
  const policy = { ...DEFAULT_SETTLE_POLICY }
  for (const key of Object.keys(policy) as Array<keyof SettlePolicy>) {
    const value = overrides[key]
    if (value !== undefined && Number.isFinite(value) && value > 0) policy[key] = value
  }
  policy.maxDelayMs = Math.max(policy.maxDelayMs, policy.initialDelayMs)
  policy.stableSamples = Math.max(2, Math.round(policy.stableSamples))
  return policy
}

function sameSample (a: SettleSample, b: SettleSample): boolean {
  const keys = Object.keys(a)
  if (keys.length !== Object.keys(b).length) return false
  return keys.every((k) => a[k] === b[k])
}

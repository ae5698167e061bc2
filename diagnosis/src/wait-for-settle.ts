/**
 * The settle loop (engine): polls a probe with the pure decision in settle.ts until the sample
 * holds still, the policy's time runs out, or the signal aborts.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import type { SettlePolicy, SettleSample } from './settle.js'
import { DEFAULT_SETTLE_POLICY, settleStep, startSettle } from './settle.js'

export interface SettleResult {
  stable: boolean
  samples: number
  elapsedMs: number
  /** The last sample taken. */
  last: SettleSample
}

/**
 * Polls `probe` until stable or timed out. Probe errors (e.g. the target went away) propagate.
 * @throws whatever `probe` throws, or an AbortError when `signal` aborts
 */
export async function waitForSettle (
  probe: () => Promise<SettleSample>,
  policy: SettlePolicy = DEFAULT_SETTLE_POLICY,
  options: { signal?: AbortSignal, onSample?: (sample: SettleSample) => void } = {}
): Promise<SettleResult> {
  let state = startSettle(performance.now(), policy)
  while (true) {
    options.signal?.throwIfAborted()
    const sample = await probe()
    options.onSample?.(sample)
    const step = settleStep(state, sample, performance.now(), policy)
    state = step.state
    if (step.decision.done) {
      return { stable: step.decision.stable, samples: state.samples, elapsedMs: performance.now() - state.startedAtMs, last: sample }
    }
    await sleep(step.decision.nextDelayMs, undefined, { signal: options.signal })
  }
}

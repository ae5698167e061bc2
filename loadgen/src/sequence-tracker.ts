/**
 * Per-receiver accounting of what each sender of its room has delivered, pure.
 *
 * For every sender the receiver keeps the highest sequence number seen and a 32-bit window of
 * which of the 32 numbers below it arrived (the anti-replay window of RFC 4303 §3.4.3). That is
 * 8 bytes per (receiver, sender) pair whatever the run's length, and classifies each delivery:
 * - in order: above the highest seen (a gap means messages are missing or late);
 * - reordered: below the highest, not seen before (it overtook nothing, something overtook it);
 * - duplicate: seen before.
 * A delivery more than 32 below the highest cannot be checked for duplication and is counted as
 * reordered; on one TCP connection through one server that needs 32 messages to overtake it.
 */

/** How a delivery compares with what the receiver saw before from the same sender. */
export const IN_ORDER = 0
export const REORDERED = 1
export const DUPLICATE = 2
export type Delivery = typeof IN_ORDER | typeof REORDERED | typeof DUPLICATE

/** Width of the duplicate-detection window, in sequence numbers. */
export const SEQUENCE_WINDOW = 32

/** Delivery classification for one receiver, one slot per sender of its room. */
export class SequenceTracker {
  readonly #highest: Int32Array
  readonly #window: Uint32Array

  /** @param senders - number of sender slots (the room's size); senders are 0 … senders-1 */
  constructor (senders: number) {
    this.#highest = new Int32Array(senders).fill(-1)
    this.#window = new Uint32Array(senders)
  }

  /** Number of sender slots. */
  get size (): number {
    return this.#highest.length
  }

  /**
   * Classifies the delivery of `seq` from sender `slot` and remembers it.
   * @throws {RangeError} when slot is outside 0 … size-1 or seq is negative (caller must check)
   */
  record (slot: number, seq: number): Delivery {
    if (slot < 0 || slot >= this.#highest.length || seq < 0 || seq > 0x7fffffff) {
      throw new RangeError(`sender slot ${slot} / seq ${seq} out of range (size ${this.#highest.length})`)
    }
    const highest = this.#highest[slot] as number
    if (seq > highest) {
      const shift = seq - highest
      const window = this.#window[slot] as number
      // Bit i means "highest-1-i arrived"; the old highest becomes bit shift-1.
      let next: number
      if (highest < 0 || shift > SEQUENCE_WINDOW) next = 0
      else if (shift === SEQUENCE_WINDOW) next = 0x80000000
      else next = ((window << shift) | (1 << (shift - 1))) >>> 0
      this.#window[slot] = next
      this.#highest[slot] = seq
      return IN_ORDER
    }
    if (seq === highest) return DUPLICATE
    const distance = highest - seq
    if (distance > SEQUENCE_WINDOW) return REORDERED
    const bit = (1 << (distance - 1)) >>> 0
    const window = this.#window[slot] as number
    if ((window & bit) !== 0) return DUPLICATE
    this.#window[slot] = (window | bit) >>> 0
    return REORDERED
  }
}

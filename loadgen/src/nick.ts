/**
 * Nicknames of simulated clients, pure.
 *
 * RFC 2812 §2.3.1 allows 9 characters and ngircd enforces it (MaxNickLength defaults to 9), so a
 * nick is a short run prefix plus the client's index in base 36 (4 characters cover 1.6 million
 * clients). A collision (433 ERR_NICKNAMEINUSE, e.g. a leftover client of an earlier run) is
 * retried with a suffix `_<attempt>` that replaces the tail when the nick would grow too long.
 */
import { isValidNick } from '../../protocol/src/names.js'

/** RFC 2812's nickname length. */
export const RFC_NICK_MAX = 9

/** The nick of client `id` on its first attempt. */
export function nickFor (prefix: string, id: number): string {
  return prefix + id.toString(36)
}

/** The nick to try after `attempt` (1, 2, …) collisions. */
export function nickWithSuffix (base: string, attempt: number, maxLength = RFC_NICK_MAX): string {
  if (attempt <= 0) return base
  const suffix = '_' + attempt.toString(36)
  return base.slice(0, Math.max(1, maxLength - suffix.length)) + suffix
}

/** A random 3-letter run prefix, so two runs against one server rarely collide. */
export function randomNickPrefix (random: () => number): string {
  let out = 's'
  for (let i = 0; i < 2; i++) out += String.fromCharCode(0x61 + Math.floor(random() * 26))
  return out
}

/**
 * Whether every nick of a run of `clients` fits: the longest first-attempt nick plus a
 * two-character suffix must be a valid nick of at most `maxLength`.
 */
export function nickPlanFits (prefix: string, clients: number, maxLength = RFC_NICK_MAX): boolean {
  const longest = nickFor(prefix, Math.max(0, clients - 1))
  return isValidNick(longest, maxLength) && isValidNick(longest + '_1', maxLength)
}

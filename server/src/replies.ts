/**
 * Builds the server's outgoing lines as latin1 Buffers (one char per octet, so bytes a client
 * sent come back unchanged). Anything echoed from a client goes through `echoParam` or
 * `echoText` first: `formatMessage` rightly refuses parameters that would break framing, and a
 * peer's bytes must never reach it raw.
 */
import { formatMessage } from '../../protocol/src/index.js'

/** RFC 2812 §5.1 reserves 005 for RPL_BOUNCE; every current server uses it for ISUPPORT. */
export const RPL_ISUPPORT = '005'
/** RFC 2812 §5.2. */
export const ERR_TOOMANYCHANNELS = '405'

const ECHO_MAX = 64

/**
 * Makes client input safe to echo as a middle parameter: no controls or spaces, bounded,
 * non-empty, not starting with ':'.
 */
export function echoParam (value: string): string {
  let out = value.replace(/[\x00-\x20\x7f]/g, '')
  if (out.length > ECHO_MAX) out = out.slice(0, ECHO_MAX)
  if (out.length === 0) return '*'
  return out.charCodeAt(0) === 0x3a ? '*' + out.slice(1) : out
}

/** Makes client input safe as a trailing parameter: RFC 2812 §2.3.1 forbids NUL there. */
export function echoText (value: string): string {
  return value.includes('\0') ? value.replaceAll('\0', '') : value
}

/** Serialises one line to bytes. @throws {TypeError} on a framing-breaking parameter (a bug) */
export function line (prefix: string | undefined, command: string, params: readonly string[]): Buffer {
  return Buffer.from(formatMessage(prefix, command, params), 'latin1')
}

/**
 * Serialises `:prefix COMMAND target :text` (`:prefix COMMAND :text` when `target` is empty),
 * cutting the text so that the whole line fits
 * in `maxLineBytes` (RFC 2812 §2.3: 512 including CR LF, prefix included). Built by hand:
 * this is the relay hot path, and `target` and `prefix` are already validated.
 */
export function relayLine (prefix: string, command: string, target: string, text: string, maxLineBytes: number): Buffer {
  const head = target === '' ? `:${prefix} ${command} :` : `:${prefix} ${command} ${target} :`
  const room = maxLineBytes - 2 - head.length
  const body = text.length > room ? text.slice(0, Math.max(0, room)) : text
  return Buffer.from(head + body + '\r\n', 'latin1')
}

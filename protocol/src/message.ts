/**
 * IRC message codec (RFC 2812 §2.3.1), pure.
 *
 *   message = [ ":" prefix SPACE ] command [ params ] crlf
 *   params  = *14( SPACE middle ) [ SPACE ":" trailing ]
 *           =/ 14( SPACE middle ) [ SPACE [ ":" ] trailing ]
 *
 * Lines are handled as latin1 strings: one char per octet, so the codec is byte-transparent
 * (IRC is an octet protocol; text encoding is the clients' business) and invalid UTF-8 can
 * neither crash it nor be altered by it.
 */

/** A parsed IRC message. `params` includes the trailing parameter, without its colon. */
export interface IrcMessage {
  prefix: string | undefined
  /** Upper-cased for letters; numerics stay as their three digits. */
  command: string
  params: string[]
}

const SPACE = 0x20
const COLON = 0x3a
/** RFC 2812 allows at most 15 parameters; the 15th swallows the rest of the line. */
export const MAX_PARAMS = 15

/**
 * Parses one line (without its CR LF).
 * Returns `undefined` for a line without a command: RFC 2812 §2.3.1 says empty messages
 * are silently ignored.
 */
export function parseMessage (line: string): IrcMessage | undefined {
  const len = line.length
  let i = 0
  while (i < len && line.charCodeAt(i) === SPACE) i++
  let prefix: string | undefined
  if (i < len && line.charCodeAt(i) === COLON) {
    let end = line.indexOf(' ', i + 1)
    if (end === -1) end = len
    prefix = line.slice(i + 1, end)
    i = end
    while (i < len && line.charCodeAt(i) === SPACE) i++
  }
  if (i >= len) return undefined
  let end = line.indexOf(' ', i)
  if (end === -1) end = len
  const command = line.slice(i, end).toUpperCase()
  i = end
  const params: string[] = []
  while (i < len) {
    while (i < len && line.charCodeAt(i) === SPACE) i++
    if (i >= len) break
    if (line.charCodeAt(i) === COLON) {
      params.push(line.slice(i + 1))
      break
    }
    if (params.length === MAX_PARAMS - 1) {
      params.push(line.slice(i))
      break
    }
    end = line.indexOf(' ', i)
    if (end === -1) end = len
    params.push(line.slice(i, end))
    i = end
  }
  return { prefix, command, params }
}

/**
 * Serialises a message, CR LF included. The last parameter becomes a trailing one
 * (`:`-prefixed) when it must: empty, containing a space, or starting with a colon.
 * @throws {TypeError} when a middle parameter is empty, has a space or starts with a colon,
 *   or any parameter has CR, LF or NUL: a programming error, never a peer's input.
 */
export function formatMessage (prefix: string | undefined, command: string, params: readonly string[] = []): string {
  let out = prefix === undefined ? command : `:${prefix} ${command}`
  const last = params.length - 1
  for (let p = 0; p < params.length; p++) {
    const param = params[p] as string
    if (/[\r\n\0]/.test(param)) throw new TypeError(`IRC parameter contains CR, LF or NUL: ${JSON.stringify(param)}`)
    if (p === last && needsTrailing(param)) {
      out += ' :' + param
    } else {
      if (needsTrailing(param)) throw new TypeError(`IRC middle parameter must be non-empty, without spaces, not start with ':': ${JSON.stringify(param)}`)
      out += ' ' + param
    }
  }
  return out + '\r\n'
}

function needsTrailing (param: string): boolean {
  return param.length === 0 || param.charCodeAt(0) === COLON || param.includes(' ')
}

/**
 * Nickname and channel-name rules and the RFC 1459 case mapping, pure.
 */

/**
 * RFC 2812 §2.3.1:
 *   nickname = ( letter / special ) *8( letter / digit / special / "-" )
 *   special  = %x5B-60 / %x7B-7D   ; "[", "]", "\", "`", "_", "^", "{", "|", "}"
 * The length limit is a parameter (the RFC's 9 is the default; many servers allow more).
 */
export function isValidNick (nick: string, maxLength = 9): boolean {
  if (nick.length === 0 || nick.length > maxLength) return false
  for (let i = 0; i < nick.length; i++) {
    const c = nick.charCodeAt(i)
    const letter = (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)
    const special = (c >= 0x5b && c <= 0x60) || (c >= 0x7b && c <= 0x7d)
    if (letter || special) continue
    if (i > 0 && ((c >= 0x30 && c <= 0x39) || c === 0x2d)) continue
    return false
  }
  return true
}

/**
 * RFC 2812 §1.3 / §2.3.1: channels start with '&', '#', '+' or '!'; this server supports
 * the '#' and '&' kinds. The name holds no space, BELL, comma, colon, NUL, CR or LF, and is
 * at most 50 characters.
 */
export function isValidChannel (name: string): boolean {
  if (name.length < 2 || name.length > 50) return false
  const first = name.charCodeAt(0)
  if (first !== 0x23 && first !== 0x26) return false
  return !/[\x00\x07\r\n ,:]/.test(name)
}

/**
 * RFC 1459 §2.2 case mapping: "{}|^" are the lower-case forms of "[]\~".
 * Nicks and channel names compare equal when their folded forms are equal.
 */
export function foldCase (name: string): string {
  let out = ''
  let changed = false
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i)
    let f = c
    if (c >= 0x41 && c <= 0x5a) f = c + 0x20
    else if (c === 0x5b) f = 0x7b
    else if (c === 0x5d) f = 0x7d
    else if (c === 0x5c) f = 0x7c
    else if (c === 0x7e) f = 0x5e
    if (f !== c) changed = true
    out += String.fromCharCode(f)
  }
  return changed ? out : name
}

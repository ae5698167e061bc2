/**
 * Recognising, from its bytes, the line that makes up nearly all of a load run's traffic — a
 * message relayed to the client's channel: `:<prefix> PRIVMSG <channel> :<text>` — without
 * making a string or parsing it (pure). A line this does not recognise is not necessarily
 * something else: the caller falls back to the full parse (`parseMessage`), which also accepts
 * the channel in another case, extra spaces and the like. What it does recognise, the full
 * parse reads the same way: a PRIVMSG whose first parameter is the channel and whose trailing
 * parameter is the bytes from the returned offset on (a property test holds it to that).
 */

/**
 * The bytes that follow a relayed line's prefix: `" PRIVMSG <channel> :"`, in UTF-8, the
 * encoding in which the client's own JOIN and PRIVMSG put the channel on the wire.
 */
export function relayMark (channel: string): Buffer {
  return Buffer.from(` PRIVMSG ${channel} :`, 'utf8')
}

/**
 * Offset in `bytes` of the text of a PRIVMSG to the channel of `mark` that fills
 * `bytes[start, end)`, or -1 when the line is not one in the exact form above.
 */
export function relayedTextAt (bytes: Uint8Array, start: number, end: number, mark: Uint8Array): number {
  if (bytes[start] !== 0x3a) return -1
  const space = bytes.indexOf(0x20, start)
  if (space === -1) return -1
  const text = space + mark.length
  if (text > end) return -1
  for (let i = 0; i < mark.length; i++) if (bytes[space + i] !== mark[i]) return -1
  return text
}

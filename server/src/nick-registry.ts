/**
 * Nicknames in use, compared under the RFC 1459 case mapping (RFC 2812 §2.2), so that
 * `Alice[1]` and `alice{1}` collide.
 */
import { foldCase } from '../../protocol/src/index.js'
import type { Member } from './member.js'

export class NickRegistry {
  readonly #byNick = new Map<string, Member>()

  get size (): number {
    return this.#byNick.size
  }

  /** The member holding `nick`, if any. */
  get (nick: string): Member | undefined {
    return this.#byNick.get(foldCase(nick))
  }

  /**
   * Gives `nick` to `member`, releasing the member's previous nick.
   * Returns false, changing nothing, when another member holds it.
   */
  claim (member: Member, nick: string): boolean {
    const key = foldCase(nick)
    const holder = this.#byNick.get(key)
    if (holder !== undefined && holder !== member) return false
    if (member.nick !== undefined && foldCase(member.nick) !== key) this.release(member)
    this.#byNick.set(key, member)
    return true
  }

  /** Frees the member's nick, if it is the holder. */
  release (member: Member): void {
    if (member.nick === undefined) return
    const key = foldCase(member.nick)
    if (this.#byNick.get(key) === member) this.#byNick.delete(key)
  }
}

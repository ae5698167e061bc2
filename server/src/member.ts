/**
 * The chat core's view of one client: identity, channels, and two ways back to the
 * connection that owns it (deliver bytes, ask to close). The engine's Connection implements it;
 * tests and the fuzz implement it with plain arrays.
 */
import type { Channel } from './channel-registry.js'

export interface Member {
  /** Connection id, unique per server, used in lifecycle events. */
  readonly id: number
  /** Peer IP, shown as the host part of the prefix. */
  readonly host: string
  nick: string | undefined
  user: string | undefined
  registered: boolean
  /** `nick!user@host`, kept current by the hub. */
  prefix: string
  readonly channels: Set<Channel>
  /**
   * Queues bytes: `lines` complete CR LF lines (default 1). The Buffer may be shared with
   * other recipients and must not be mutated.
   */
  deliver: (bytes: Buffer, lines?: number) => void
  /** The client asked to leave (QUIT); the owner closes and later calls `hub.remove`. */
  quit: (message: string) => void
}

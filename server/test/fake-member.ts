/**
 * A hub member without a socket, for the fuzz and the relay benchmark: it keeps (or only
 * counts) what it is sent, and hands QUIT to a callback.
 */
import type { Channel } from '../src/channel-registry.js'
import type { Member } from '../src/member.js'

export class FakeMember implements Member {
  nick: string | undefined
  user: string | undefined
  registered = false
  prefix = ''
  readonly channels = new Set<Channel>()
  readonly received: Buffer[] = []
  bytes = 0
  /** Set once the member has left the hub; a delivery after that is a bug. */
  gone = false

  constructor (
    readonly id: number,
    readonly host: string,
    private readonly onQuit: (member: FakeMember, message: string) => void = () => {},
    private readonly keep = true
  ) {}

  deliver (bytes: Buffer): void {
    if (this.gone) throw new Error(`delivery to departed member ${this.id}`)
    this.bytes += bytes.length
    if (this.keep) this.received.push(bytes)
  }

  quit (message: string): void {
    this.onQuit(this, message)
  }
}

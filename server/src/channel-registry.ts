/**
 * Channels that have at least one member, keyed by folded name. A channel is created by its
 * first JOIN and deleted with its last member, so the registry is bounded by
 * clients × channels-per-client.
 */
import { foldCase } from '../../protocol/src/index.js'
import type { Member } from './member.js'

export interface Channel {
  /** Name as first joined (case preserved). */
  readonly name: string
  readonly members: Set<Member>
}

export class ChannelRegistry {
  readonly #byName = new Map<string, Channel>()

  get size (): number {
    return this.#byName.size
  }

  get (name: string): Channel | undefined {
    return this.#byName.get(foldCase(name))
  }

  /** The channel named `name`, created empty if absent. */
  open (name: string): Channel {
    const key = foldCase(name)
    let channel = this.#byName.get(key)
    if (channel === undefined) {
      channel = { name, members: new Set() }
      this.#byName.set(key, channel)
    }
    return channel
  }

  /** Removes the member; deletes the channel when it becomes empty. */
  leave (channel: Channel, member: Member): void {
    channel.members.delete(member)
    member.channels.delete(channel)
    if (channel.members.size === 0) this.#byName.delete(foldCase(channel.name))
  }
}

/**
 * The chat core: registration, nicknames, channels and message relay for the IRC subset in
 * server/PROTOCOL.md. Pure of IO: it reads parsed messages and answers through
 * `Member.deliver` with bytes, so the engine decides how bytes reach sockets and the fuzz can
 * drive it without any.
 *
 * Relay contract (the fan-out hot path): a relayed message is serialised once into one Buffer
 * and that same Buffer is handed to every recipient.
 */
import { ERR, RPL, isValidChannel, isValidNick, type IrcMessage } from '../../protocol/src/index.js'
import { ChannelRegistry, type Channel } from './channel-registry.js'
import type { Member } from './member.js'
import { NickRegistry } from './nick-registry.js'
import { ERR_TOOMANYCHANNELS, RPL_ISUPPORT, echoParam, echoText, line, relayLine } from './replies.js'

export interface HubConfig {
  serverName: string
  version: string
  /** Shown in 003. */
  createdAt: string
  maxLineBytes: number
  nickLength: number
  maxChannelsPerClient: number
}

/** Counters the hub keeps; the engine reads them into its stats. */
export interface HubCounters {
  registered: number
  /** PRIVMSG/NOTICE accepted for relay (each counted once, whatever the recipients). */
  messagesRelayed: number
  /** Recipients those messages were handed to. */
  deliveries: number
}

/** What the hub tells its owner, for the lifecycle log. */
export interface HubListener {
  registered: (member: Member) => void
  nickChanged: (member: Member, from: string, to: string) => void
}

export class ChatHub {
  readonly nicks = new NickRegistry()
  readonly channels = new ChannelRegistry()
  readonly counters: HubCounters = { registered: 0, messagesRelayed: 0, deliveries: 0 }
  readonly #config: HubConfig
  readonly #listener: HubListener

  constructor (config: HubConfig, listener: HubListener) {
    this.#config = config
    this.#listener = listener
  }

  /** Handles one parsed client message. Never throws on any client input. */
  handle (member: Member, msg: IrcMessage): void {
    switch (msg.command) {
      case 'PRIVMSG': return this.#message(member, msg.params, false)
      case 'NOTICE': return this.#message(member, msg.params, true)
      case 'PING': return this.#ping(member, msg.params)
      case 'PONG': return
      case 'JOIN': return this.#join(member, msg.params)
      case 'PART': return this.#part(member, msg.params)
      case 'NICK': return this.#nick(member, msg.params)
      case 'USER': return this.#user(member, msg.params)
      case 'QUIT': return member.quit(msg.params[0] === undefined || msg.params[0] === '' ? 'Client Quit' : `Quit: ${echoText(msg.params[0])}`)
      default:
        // Unknown commands get 421 before registration too: that is how a client learns that
        // CAP is not supported (IRCv3 capability negotiation spec) and goes on registering.
        this.numeric(member, ERR.UNKNOWNCOMMAND, echoParam(msg.command), 'Unknown command')
    }
  }

  /** Sends `:server CODE target ...params` to the member. */
  numeric (member: Member, code: string, ...params: string[]): void {
    member.deliver(line(this.#config.serverName, code, [member.nick ?? '*', ...params]))
  }

  /**
   * Takes the member out of every channel, relaying `QUIT :message` once to each channel peer.
   * @param releaseNick - false keeps the nick registered (the `registry` leak)
   */
  remove (member: Member, message: string, releaseNick = true): void {
    const peers = this.#leaveAll(member)
    if (member.registered) {
      if (peers.size > 0) {
        const bytes = relayLine(member.prefix, 'QUIT', '', echoText(message), this.#config.maxLineBytes)
        for (const peer of peers) peer.deliver(bytes)
      }
      member.registered = false
      this.counters.registered--
    }
    if (releaseNick) this.nicks.release(member)
  }

  #needsRegistration (member: Member): boolean {
    if (member.registered) return false
    this.numeric(member, ERR.NOTREGISTERED, 'You have not registered')
    return true
  }

  #message (member: Member, params: string[], notice: boolean): void {
    if (this.#needsRegistration(member)) return
    const command = notice ? 'NOTICE' : 'PRIVMSG'
    const target = params[0]
    // RFC 2812 §3.3.2: a NOTICE never gets an automatic reply, errors included.
    if (target === undefined || target === '') {
      if (!notice) this.numeric(member, ERR.NORECIPIENT, `No recipient given (${command})`)
      return
    }
    const text = params[1]
    if (text === undefined || text === '') {
      if (!notice) this.numeric(member, ERR.NOTEXTTOSEND, 'No text to send')
      return
    }
    const first = target.charCodeAt(0)
    if (first === 0x23 || first === 0x26) {
      const channel = this.channels.get(target)
      if (channel === undefined) {
        if (!notice) this.numeric(member, ERR.NOSUCHCHANNEL, echoParam(target), 'No such channel')
        return
      }
      if (!channel.members.has(member)) {
        if (!notice) this.numeric(member, ERR.CANNOTSENDTOCHAN, channel.name, 'Cannot send to channel')
        return
      }
      const bytes = relayLine(member.prefix, command, channel.name, echoText(text), this.#config.maxLineBytes)
      let n = 0
      for (const peer of channel.members) {
        if (peer === member) continue
        peer.deliver(bytes)
        n++
      }
      this.counters.messagesRelayed++
      this.counters.deliveries += n
      return
    }
    const to = this.nicks.get(target)
    if (to === undefined || !to.registered) {
      if (!notice) this.numeric(member, ERR.NOSUCHNICK, echoParam(target), 'No such nick/channel')
      return
    }
    to.deliver(relayLine(member.prefix, command, to.nick as string, echoText(text), this.#config.maxLineBytes))
    this.counters.messagesRelayed++
    this.counters.deliveries++
  }

  #ping (member: Member, params: string[]): void {
    const token = params[0]
    if (token === undefined || token === '') return this.numeric(member, ERR.NOORIGIN, 'No origin specified')
    const name = this.#config.serverName
    member.deliver(line(name, 'PONG', [name, echoText(token)]))
  }

  #join (member: Member, params: string[]): void {
    if (this.#needsRegistration(member)) return
    const list = params[0]
    if (list === undefined || list === '') return this.numeric(member, ERR.NEEDMOREPARAMS, 'JOIN', 'Not enough parameters')
    // RFC 2812 §3.2.1: "JOIN 0" leaves every channel.
    if (list === '0') {
      for (const channel of [...member.channels]) this.#partOne(member, channel, undefined)
      return
    }
    const limit = this.#config.maxChannelsPerClient
    for (const name of list.split(',', limit)) {
      if (!isValidChannel(name)) {
        this.numeric(member, ERR.NOSUCHCHANNEL, echoParam(name), 'No such channel')
        continue
      }
      if (this.channels.get(name)?.members.has(member) === true) continue
      if (member.channels.size >= limit) {
        this.numeric(member, ERR_TOOMANYCHANNELS, name, 'You have joined too many channels')
        continue
      }
      const channel = this.channels.open(name)
      channel.members.add(member)
      member.channels.add(channel)
      const bytes = line(member.prefix, 'JOIN', [channel.name])
      for (const peer of channel.members) peer.deliver(bytes)
      this.#names(member, channel)
    }
  }

  /** 353 lines, each filled up to the line limit, then 366 — sent as one delivery. */
  #names (member: Member, channel: Channel): void {
    const nick = member.nick as string
    const head = `:${this.#config.serverName} ${RPL.NAMREPLY} ${nick} = ${channel.name} :`
    const room = this.#config.maxLineBytes - 2 - head.length
    let out = ''
    let names = ''
    let lines = 1
    for (const peer of channel.members) {
      const name = peer.nick as string
      if (names.length > 0 && names.length + 1 + name.length > room) {
        out += head + names + '\r\n'
        names = ''
        lines++
      }
      names = names.length === 0 ? name : names + ' ' + name
    }
    out += head + names + '\r\n'
    out += `:${this.#config.serverName} ${RPL.ENDOFNAMES} ${nick} ${channel.name} :End of /NAMES list\r\n`
    member.deliver(Buffer.from(out, 'latin1'), lines + 1)
  }

  #part (member: Member, params: string[]): void {
    if (this.#needsRegistration(member)) return
    const list = params[0]
    if (list === undefined || list === '') return this.numeric(member, ERR.NEEDMOREPARAMS, 'PART', 'Not enough parameters')
    for (const name of list.split(',', this.#config.maxChannelsPerClient)) {
      const channel = this.channels.get(name)
      if (channel === undefined) {
        this.numeric(member, ERR.NOSUCHCHANNEL, echoParam(name), 'No such channel')
      } else if (!channel.members.has(member)) {
        this.numeric(member, ERR.NOTONCHANNEL, channel.name, "You're not on that channel")
      } else {
        this.#partOne(member, channel, params[1])
      }
    }
  }

  #partOne (member: Member, channel: Channel, reason: string | undefined): void {
    const bytes = reason === undefined || reason === ''
      ? line(member.prefix, 'PART', [channel.name])
      : relayLine(member.prefix, 'PART', channel.name, echoText(reason), this.#config.maxLineBytes)
    for (const peer of channel.members) peer.deliver(bytes)
    this.channels.leave(channel, member)
  }

  #nick (member: Member, params: string[]): void {
    const nick = params[0]
    if (nick === undefined || nick === '') return this.numeric(member, ERR.NONICKNAMEGIVEN, 'No nickname given')
    if (!isValidNick(nick, this.#config.nickLength)) return this.numeric(member, ERR.ERRONEUSNICKNAME, echoParam(nick), 'Erroneous nickname')
    if (member.nick === nick) return
    if (!this.nicks.claim(member, nick)) return this.numeric(member, ERR.NICKNAMEINUSE, nick, 'Nickname is already in use')
    const from = member.nick
    member.nick = nick
    if (!member.registered || from === undefined) return this.#tryRegister(member)
    const bytes = line(member.prefix, 'NICK', [nick])
    member.prefix = `${nick}!${member.user as string}@${member.host}`
    // The client itself and each channel peer get the change once.
    const peers = this.#peers(member)
    peers.add(member)
    for (const peer of peers) peer.deliver(bytes)
    this.#listener.nickChanged(member, from, nick)
  }

  #user (member: Member, params: string[]): void {
    if (member.registered) return this.numeric(member, ERR.ALREADYREGISTRED, 'You may not reregister')
    if (params.length < 4) return this.numeric(member, ERR.NEEDMOREPARAMS, 'USER', 'Not enough parameters')
    member.user = userName(params[0] as string)
    this.#tryRegister(member)
  }

  /** RFC 2812 §3.1: registration completes once both NICK and USER have been accepted. */
  #tryRegister (member: Member): void {
    if (member.registered || member.nick === undefined || member.user === undefined) return
    const c = this.#config
    const nick = member.nick
    member.registered = true
    member.prefix = `${nick}!${member.user}@${member.host}`
    this.counters.registered++
    const isupport = [
      'CASEMAPPING=rfc1459', 'CHANTYPES=#&', `CHANLIMIT=#&:${c.maxChannelsPerClient}`,
      `NICKLEN=${c.nickLength}`, 'CHANNELLEN=50', `LINELEN=${c.maxLineBytes}`, 'are supported by this server'
    ]
    member.deliver(Buffer.concat([
      line(c.serverName, RPL.WELCOME, [nick, `Welcome to the soakwatch IRC network ${member.prefix}`]),
      line(c.serverName, RPL.YOURHOST, [nick, `Your host is ${c.serverName}, running version ${c.version}`]),
      line(c.serverName, RPL.CREATED, [nick, `This server was created ${c.createdAt}`]),
      line(c.serverName, RPL.MYINFO, [nick, c.serverName, c.version, 'i', 'n']),
      line(c.serverName, RPL_ISUPPORT, [nick, ...isupport]),
      // Stock clients wait for the end of the MOTD (376) or its absence (422) before joining.
      line(c.serverName, ERR.NOMOTD, [nick, 'MOTD File is missing'])
    ]), 6)
    this.#listener.registered(member)
  }

  /** Channel peers of the member, each once. */
  #peers (member: Member): Set<Member> {
    const peers = new Set<Member>()
    for (const channel of member.channels) {
      for (const peer of channel.members) if (peer !== member) peers.add(peer)
    }
    return peers
  }

  #leaveAll (member: Member): Set<Member> {
    const peers = this.#peers(member)
    for (const channel of [...member.channels]) this.channels.leave(channel, member)
    return peers
  }
}

/** USER's first parameter, made safe for the prefix: printable, no '!' or '@', bounded. */
function userName (raw: string): string {
  const clean = raw.replace(/[^\x21-\x7e]|[!@:]/g, '').slice(0, 16)
  return clean.length === 0 ? 'user' : clean
}


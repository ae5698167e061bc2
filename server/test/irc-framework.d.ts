/** The part of irc-framework's (untyped, CommonJS) API the interop test uses. */
declare module 'irc-framework' {
  import { EventEmitter } from 'node:events'
  export class Client extends EventEmitter {
    user: { nick: string }
    connect (options: Record<string, unknown>): void
    join (channel: string): void
    say (target: string, text: string): void
    changeNick (nick: string): void
    quit (message?: string): void
  }
  const irc: { Client: typeof Client }
  export default irc
}

/**
 * Writes the server's lifecycle events as pino NDJSON records with an `event` field, exactly
 * the fields of the contract in docs/architecture.md.
 */
import type { Logger } from 'pino'
import type { ChatServer } from './chat-server.js'
import type { CloseEvent, NickEvent, OpenEvent, RegisteredEvent } from './events.js'

/** Logs every lifecycle event of `server` to `logger`; returns a function that stops it. */
export function attachLifecycleLog (server: ChatServer, logger: Logger): () => void {
  const open = (e: OpenEvent): void => logger.info({ event: 'open', ...e })
  const registered = (e: RegisteredEvent): void => logger.info({ event: 'registered', ...e })
  const nick = (e: NickEvent): void => logger.info({ event: 'nick', ...e })
  const close = (e: CloseEvent): void => logger.info({ event: 'close', ...e })
  const warning = (err: Error): void => logger.warn({ event: 'warning', err })
  server.on('open', open).on('registered', registered).on('nick', nick).on('close', close).on('warning', warning)
  return () => {
    server.off('open', open).off('registered', registered).off('nick', nick).off('close', close).off('warning', warning)
  }
}

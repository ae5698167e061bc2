/**
 * Errors the chat server throws on purpose. Every code is listed in docs/errors.md under
 * "server"; the CLI edge maps them to exit code 2 (harness/target/input error).
 */
import { defineError } from '../../common/src/define-error.js'

/** An option of {@link createChatServer} is out of range or of the wrong kind. */
export const ServerOptionError = defineError(
  'SW_SERVER_BAD_OPTION',
  'ServerOptionError',
  (d: { option: string, value: unknown, expected: string }) =>
    `invalid server option ${d.option}: ${JSON.stringify(d.value)} (expected ${d.expected})`
)

/** The listening socket could not be opened (address in use, permission, bad host). */
export const ServerListenError = defineError(
  'SW_SERVER_LISTEN',
  'ServerListenError',
  (d: { host: string, port: number }) => `cannot listen on ${d.host}:${d.port}`
)

/** `listen()` was called twice, or after `close()`. */
export const ServerStateError = defineError(
  'SW_SERVER_STATE',
  'ServerStateError',
  (d: { operation: string, state: string }) => `cannot ${d.operation} a chat server that is ${d.state}`
)

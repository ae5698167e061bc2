export { createChatServer, ChatServer, SERVER_VERSION } from './chat-server.js'
export { attachLifecycleLog } from './lifecycle-log.js'
export { resolveOptions, DEFAULT_OPTIONS } from './options.js'
export type { ChatServerOptions, ResolvedOptions, SlowClientPolicy } from './options.js'
export { LEAK_KINDS, isLeakKind } from './leak-kinds.js'
export type { LeakKind } from './leak-kinds.js'
export { CLOSED_BY } from './events.js'
export type {
  ChatServerEvents, ChatServerEventName, ChatServerStats, CloseEvent, CloseReason, ClosedBy, NickEvent, OpenEvent, RegisteredEvent
} from './events.js'
export { ServerListenError, ServerOptionError, ServerStateError } from './errors.js'

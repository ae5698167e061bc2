/**
 * The leak bugs the server can be switched to (`--leak KIND`), each a realistic mistake in
 * the real code path, off by default. PROTOCOL.md describes what each one leaves behind.
 */

export const LEAK_KINDS = ['timer', 'socket', 'listener', 'registry', 'close-race'] as const

export type LeakKind = typeof LEAK_KINDS[number]

/** True when `value` names a leak kind. */
export function isLeakKind (value: unknown): value is LeakKind {
  return typeof value === 'string' && (LEAK_KINDS as readonly string[]).includes(value)
}

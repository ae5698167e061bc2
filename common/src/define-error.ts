/**
 * One factory for every error class in soakwatch, so that classes cannot drift:
 * each has a stable `code` (static and on the instance), a `name` derived from the class,
 * and a message built from the offending value. Wrap causes with `{ cause }`.
 *
 * Modelled on fastify's `lib/errors.js` (createError) and vitest's `node/errors.ts`.
 */

/** Base class of every error soakwatch throws on purpose. */
export class SoakwatchError extends Error {
  readonly code: string
  constructor (code: string, message: string, options?: ErrorOptions) {
    super(message, options)
    this.code = code
  }
}

/**
 * A class made by {@link defineError}: construct with the detail the message needs. The detail
 * stays on the instance, so that a caller can report more than the one-line message (a crashed
 * target's stderr lines, for example).
 */
export interface ErrorClass<C extends string, D> {
  new (detail: D, options?: ErrorOptions): SoakwatchError & { readonly code: C, readonly detail: D }
  readonly code: C
}

/**
 * Defines an error class with a stable code.
 * @param code - stable, documented in docs/errors.md (a test checks it)
 * @param name - class name, shown in stack traces
 * @param format - builds the message from the detail; must include the offending value
 */
export function defineError<C extends string, D = void> (
  code: C,
  name: string,
  format: (detail: D) => string
): ErrorClass<C, D> {
  const cls = class extends SoakwatchError {
    static readonly code: C = code
    declare readonly code: C
    readonly detail: D
    constructor (detail: D, options?: ErrorOptions) {
      super(code, format(detail), options)
      this.detail = detail
    }
  }
  Object.defineProperty(cls, 'name', { value: name })
  Object.defineProperty(cls.prototype, 'name', { value: name, writable: true, configurable: true })
  return cls as unknown as ErrorClass<C, D>
}

/** True when `err` is a soakwatch error with one of the given codes. */
export function hasCode (err: unknown, ...codes: string[]): err is SoakwatchError {
  return err instanceof SoakwatchError && (codes.length === 0 || codes.includes(err.code))
}

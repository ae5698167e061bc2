/**
 * Which classes are V8/Node internals rather than things a program allocates on purpose.
 * They are never leak suspects: their growth follows the objects that own them (a leaked
 * closure brings its scope, a leaked object its hidden class and boxed numbers), and the
 * owner is the actionable name. They stay in the class table, labelled with the reason.
 */

const BY_CLASS: ReadonlyMap<string, string> = new Map([
  ['(compiled code)', 'compiled code'],
  ['(system)', 'V8 system object (feedback vectors, maps, descriptors)'],
  ['(object shape)', 'hidden class'],
  ['(array)', 'V8 internal array (elements and property backing stores)'],
  ['(number)', 'boxed number owned by an object'],
  ['(synthetic)', 'snapshot bookkeeping'],
  ['system / Context', 'closure scope (follows its closures)']
])

/**
 * The reason `className` is an internal, or undefined when it is user-visible.
 * Any `system / …` name is a V8 internal object (V8 names them that way in snapshots).
 */
export function noiseReason (className: string): string | undefined {
  const known = BY_CLASS.get(className)
  if (known !== undefined) return known
  if (className.startsWith('system / ')) return 'V8 internal object'
  return undefined
}

/**
 * Matches a class name against an allowlist entry: exact, or with `*` standing for any run of
 * characters (`Node / *`, `*Cache`).
 */
export function matchesAllowlist (className: string, allowlist: readonly string[]): boolean {
  return allowlist.some((entry) => {
    if (!entry.includes('*')) return entry === className
    const pattern = entry.split('*').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')
    return new RegExp(`^${pattern}$`).test(className)
  })
}

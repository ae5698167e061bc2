/**
 * Checks what a target sent before the harness trusts it. The hooks may come from another
 * soakwatch version, or a target may publish its own object under the same symbol; a clear
 * error beats a wrong verdict built on missing fields. Pure.
 */
import { InventoryInvalidError } from './errors.js'
import type { Inventory, ResourceCounts } from './hooks/inventory.js'
import { INVENTORY_SCHEMA } from './hooks/inventory.js'
import type { ServingReport } from './hooks/process-record.js'

/** @throws {InventoryInvalidError} when `value` is not an inventory of this schema */
export function asInventory (value: unknown): Inventory {
  const record = asRecord(value, 'inventory')
  if (record['schema'] !== INVENTORY_SCHEMA) {
    throw new InventoryInvalidError(`schema is ${JSON.stringify(record['schema'])}, expected ${JSON.stringify(INVENTORY_SCHEMA)}`)
  }
  if (typeof record['pid'] !== 'number') throw new InventoryInvalidError('pid is not a number')
  if (!Array.isArray(record['resources'])) throw new InventoryInvalidError('resources is not an array')
  for (const [i, resource] of (record['resources'] as unknown[]).entries()) {
    const r = asRecord(resource, `resources[${i}]`)
    if (typeof r['id'] !== 'number' || typeof r['type'] !== 'string' || typeof r['kind'] !== 'string') {
      throw new InventoryInvalidError(`resources[${i}] lacks a numeric id, a type or a kind`)
    }
  }
  asCounts(record['activeResources'], 'activeResources')
  return value as Inventory
}

/** @throws {InventoryInvalidError} when `value` is not a counts object */
export function asResourceCounts (value: unknown): ResourceCounts {
  const record = asRecord(value, 'counts')
  if (typeof record['pid'] !== 'number') throw new InventoryInvalidError('counts.pid is not a number')
  asCounts(record['activeResources'], 'counts.activeResources')
  asCounts(record['tracked'], 'counts.tracked')
  return value as ResourceCounts
}

/** @throws {InventoryInvalidError} when `value` is not a serving report (hooks of another version) */
export function asServingReport (value: unknown): ServingReport {
  const record = asRecord(value, 'serving report')
  if (typeof record['pid'] !== 'number' || typeof record['listening'] !== 'boolean' || typeof record['accepted'] !== 'number' || !Array.isArray(record['workers'])) {
    throw new InventoryInvalidError('serving report lacks pid, listening, accepted or workers (hooks of another soakwatch version?)')
  }
  return value as ServingReport
}

function asRecord (value: unknown, what: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new InventoryInvalidError(`${what} is not an object`)
  return value as Record<string, unknown>
}

function asCounts (value: unknown, what: string): void {
  for (const [key, n] of Object.entries(asRecord(value, what))) {
    if (typeof n !== 'number') throw new InventoryInvalidError(`${what}.${key} is not a number`)
  }
}

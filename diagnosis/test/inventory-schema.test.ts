import { describe, expect, it } from 'vitest'
import { hasCode } from '../../common/src/define-error.js'
import { asInventory, asResourceCounts } from '../src/inventory-schema.js'
import { inventory, resource } from './helper.js'

function codeOf (fn: () => unknown): string | undefined {
  try { fn() } catch (err) { return hasCode(err) ? err.code : 'untyped' }
  return undefined
}

describe('inventory schema checks', () => {
  it('accepts what the hooks publish', () => {
    const value = JSON.parse(JSON.stringify(inventory([resource({ id: 1 })], { activeResources: { Timeout: 1 } }))) as unknown
    expect(asInventory(value).resources).toHaveLength(1)
    expect(asResourceCounts({ pid: 1, activeResources: {}, tracked: { Timeout: 2 }, stats: null }).tracked).toEqual({ Timeout: 2 })
  })

  it('refuses another schema version, missing fields and non-numeric counts', () => {
    expect(codeOf(() => asInventory({ ...inventory([]), schema: 'soakwatch.inventory/0' }))).toBe('SW_DIAG_INVENTORY_INVALID')
    expect(codeOf(() => asInventory({ ...inventory([]), resources: {} }))).toBe('SW_DIAG_INVENTORY_INVALID')
    expect(codeOf(() => asInventory({ ...inventory([]), resources: [{ id: 'x' }] }))).toBe('SW_DIAG_INVENTORY_INVALID')
    expect(codeOf(() => asInventory({ ...inventory([]), activeResources: { Timeout: '1' } }))).toBe('SW_DIAG_INVENTORY_INVALID')
    expect(codeOf(() => asInventory(null))).toBe('SW_DIAG_INVENTORY_INVALID')
    expect(codeOf(() => asResourceCounts({ pid: 1, activeResources: {} }))).toBe('SW_DIAG_INVENTORY_INVALID')
  })
})

/**
 * Every error code any area defines (in `<area>/src/errors.ts`, built with defineError) is
 * listed in docs/errors.md (fastify's test/internals/errors.test.js does the same).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../..', import.meta.url))
const docs = readFileSync(join(root, 'docs', 'errors.md'), 'utf8')
const files = readdirSync(root, { withFileTypes: true })
  .filter(d => d.isDirectory() && !d.name.startsWith('.') && d.name !== 'node_modules' && d.name !== 'dist')
  .map(d => join(root, d.name, 'src', 'errors.ts'))
  .filter(f => existsSync(f))

describe('error codes', () => {
  it('finds the areas\' error modules', () => {
    expect(files.length).toBeGreaterThan(0)
  })

  it.each(files.map(f => [f.slice(root.length)]))('%s: every code is listed in docs/errors.md', async file => {
    const mod = await import(pathToFileURL(join(root, file)).href) as Record<string, unknown>
    const codes = Object.values(mod)
      .map(v => (v as { code?: unknown }).code)
      .filter((c): c is string => typeof c === 'string')
    expect(codes.length).toBeGreaterThan(0)
    for (const code of codes) expect(docs, `${code} is not in docs/errors.md`).toContain(`\`${code}\``)
  })
})

describe('error code uniqueness', () => {
  it('no two error classes share a code, across all areas', async () => {
    const all: string[] = []
    for (const file of files) {
      const mod = await import(pathToFileURL(file).href) as Record<string, unknown>
      for (const v of Object.values(mod)) {
        const code = (v as { code?: unknown }).code
        if (typeof v === 'function' && typeof code === 'string') all.push(code)
      }
    }
    const dupes = all.filter((c, i) => all.indexOf(c) !== i)
    expect(dupes).toEqual([])
  })
})
